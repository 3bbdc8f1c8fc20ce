"""An OpenAI-compatible chat endpoint as a draft writer (Ollama, vLLM, llama.cpp server, hosted).

Optional: sellerdesk drafts fully without it. The endpoint gets the grounding built by
:func:`sellerdesk.core.drafting.grounding` (the buyer's message, the order's facts, the knowledge
base and Amazon's rules) and its answer is only ever a draft: the caller runs it through the same
compliance guard as every other draft. httpx errors and odd answers become :class:`LlmError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from sellerdesk.errors import SellerdeskError


class LlmError(SellerdeskError):
    """The language-model endpoint could not be reached or gave no usable answer."""


@dataclass(frozen=True)
class LlmSettings:
    """Where the endpoint is and how to call it; ``api_key_env`` names the variable holding the key."""

    base_url: str  # e.g. http://127.0.0.1:11434/v1 for Ollama
    model: str
    api_key_env: str | None = None
    timeout: float = 60.0
    temperature: float = 0.3
    max_tokens: int = 700


class OpenAiChatLlm:
    """Calls ``POST {base_url}/chat/completions`` and returns the first choice's text."""

    def __init__(self, settings: LlmSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        """Prepare a client; *transport* lets a test put any httpx transport underneath.

        Raises:
            LlmError: ``api_key_env`` names a variable that is not set.
        """
        headers = {}
        if settings.api_key_env:
            key = os.environ.get(settings.api_key_env)
            if not key:
                raise LlmError(f"the variable {settings.api_key_env} holding the LLM API key is not set; export it")
            headers["Authorization"] = f"Bearer {key}"
        self.settings = settings
        self.http = httpx.Client(base_url=settings.base_url.rstrip("/") + "/", headers=headers,
                                 timeout=settings.timeout, transport=transport)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __call__(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The endpoint's answer to the chat *messages*.

        Raises:
            LlmError: the endpoint is unreachable, answers with an error, or with no text.
        """
        payload: dict[str, Any] = {"model": self.settings.model, "messages": list(messages),
                                   "temperature": self.settings.temperature, "max_tokens": self.settings.max_tokens,
                                   "stream": False}
        where = f"{self.settings.base_url} (model {self.settings.model})"
        try:
            response = self.http.post("chat/completions", json=payload)
        except httpx.HTTPError as exc:
            raise LlmError(f"{where}: cannot reach the endpoint ({exc}); check the URL and that it runs") from exc
        if response.status_code != 200:
            raise LlmError(f"{where}: answered {response.status_code}: {response.text[:200]}")
        try:
            text = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LlmError(f"{where}: the answer is not an OpenAI chat completion") from exc
        if not isinstance(text, str) or not text.strip():
            raise LlmError(f"{where}: the answer has no text")
        return text.strip()
