"""Seller replies for the demo inbox, in the six buyer languages, varied enough to read as written by people.

Each reply is built from a greeting, one answer sentence for the buyer's intent family, an
optional next-step sentence and a closing, each picked from several variants, so that
consecutive replies differ as real ones do.
"""

from __future__ import annotations

import random

FAMILIES: dict[str, str] = {
    "order_status": "shipping",
    "tracking_request": "shipping",
    "not_received": "problem",
    "cancel_order": "change",
    "change_order": "change",
    "return_refund": "return",
    "exchange": "return",
    "damaged_defective": "problem",
    "missing_parts": "problem",
    "wrong_item": "problem",
    "product_question": "product",
    "usage_help": "product",
    "invoice_request": "invoice",
    "shipping_options": "shipping",
    "payment_issue": "payment",
    "complaint": "payment",
    "feedback_review": "thanks",
    "thanks_closing": "thanks",
    "other": "thanks",
}

_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "greeting": ("Hello {name},", "Hi {name},", "Dear {name},"),
        "shipping": (
            "Your order {order} left our warehouse and is on its way; the carrier shows delivery within "
            "the promised window.",
            "We checked order {order}: it was handed to the carrier and the latest scan shows it in transit to you.",
            "Order {order} shipped on schedule and should reach you in the next two days.",
        ),
        "problem": (
            "We are sorry about the trouble with order {order}. We will send a replacement of {product} at "
            "no cost today.",
            "Thank you for telling us about order {order}. A new {product} will ship to you within one working day.",
            "We have arranged a replacement for {product} from order {order}; you do not need to send anything back.",
        ),
        "change": (
            "We have updated order {order} as you asked.",
            "Your request for order {order} is done; the changes show in your Amazon account.",
            "We caught order {order} before it shipped and made the change.",
        ),
        "return": (
            "You can return {product} from your Amazon orders page; the refund follows as soon as it arrives.",
            "We have approved the return for order {order}; the label is in your Amazon account.",
            "Your refund for order {order} has been issued and should show within 3-5 days.",
        ),
        "product": (
            "{product} fits the standard sizes listed on the product page; most buyers take their usual size.",
            "Yes, {product} works with that setup; hold the power button for three seconds to pair it.",
            "{product} is made of stainless steel and can be cleaned with warm water.",
        ),
        "invoice": (
            "The invoice for order {order} is now available under Your Orders in your Amazon account.",
            "We uploaded the VAT invoice for order {order}; you can download it from your order page.",
        ),
        "payment": (
            "We are sorry for the delay with order {order}. We have checked it and it is now resolved.",
            "Thank you for your patience with order {order}; we have looked into it and fixed it.",
        ),
        "thanks": (
            "Thank you for letting us know.",
            "Glad to hear everything arrived well.",
            "Thank you for your message.",
        ),
        "next": (
            "We will write again as soon as we have an update.",
            "If anything else comes up, just reply here.",
            "",
        ),
        "closing": ("Best regards,", "Kind regards,", "Thank you,"),
    },
    "de": {
        "greeting": ("Hallo {name},", "Guten Tag {name},", "Liebe/r {name},"),
        "shipping": (
            "Ihre Bestellung {order} hat unser Lager verlassen und ist unterwegs.",
            "Wir haben Bestellung {order} geprüft: Sie ist beim Versanddienst und auf dem Weg zu Ihnen.",
            "Bestellung {order} wurde pünktlich verschickt und sollte in zwei Tagen ankommen.",
        ),
        "problem": (
            "Das tut uns leid. Wir schicken Ihnen heute kostenlos einen Ersatz für {product}.",
            "Danke für den Hinweis zu Bestellung {order}. Ein neuer Artikel geht morgen an Sie raus.",
            "Wir haben Ersatz für {product} veranlasst; Sie müssen nichts zurückschicken.",
        ),
        "change": (
            "Wir haben Bestellung {order} wie gewünscht geändert.",
            "Ihre Änderung zu Bestellung {order} ist erledigt.",
        ),
        "return": (
            "Sie können {product} über Ihre Amazon-Bestellungen zurücksenden; die Erstattung folgt nach Eingang.",
            "Die Rücksendung für Bestellung {order} ist genehmigt.",
            "Die Erstattung für Bestellung {order} ist veranlasst und in 3-5 Tagen sichtbar.",
        ),
        "product": (
            "{product} fällt normal aus; die meisten Kunden nehmen ihre übliche Größe.",
            "Ja, {product} ist dafür geeignet.",
            "{product} ist aus Edelstahl und leicht zu reinigen.",
        ),
        "invoice": (
            "Die Rechnung zu Bestellung {order} finden Sie jetzt in Ihrem Amazon-Konto.",
            "Wir haben die Rechnung mit ausgewiesener MwSt. für Bestellung {order} hochgeladen.",
        ),
        "payment": (
            "Entschuldigen Sie die Umstände mit Bestellung {order}. Wir haben es geprüft und behoben.",
            "Danke für Ihre Geduld; wir haben uns Bestellung {order} angesehen und es geklärt.",
        ),
        "thanks": ("Vielen Dank für Ihre Nachricht.", "Schön, dass alles gut angekommen ist."),
        "next": ("Wir melden uns, sobald wir Neuigkeiten haben.", "Bei Fragen antworten Sie einfach hier.", ""),
        "closing": ("Mit freundlichen Grüßen,", "Viele Grüße,", "Beste Grüße,"),
    },
    "fr": {
        "greeting": ("Bonjour {name},", "Bonjour,", "Cher client,"),
        "shipping": (
            "Votre commande {order} a quitté notre entrepôt et est en route.",
            "Nous avons vérifié la commande {order} : elle est chez le transporteur.",
            "La commande {order} est partie à temps et devrait arriver sous deux jours.",
        ),
        "problem": (
            "Nous sommes désolés. Nous vous envoyons aujourd'hui un remplacement de {product} sans frais.",
            "Merci de nous avoir prévenus pour la commande {order}. Un nouvel article part demain.",
            "Nous avons organisé le remplacement de {product} ; inutile de nous renvoyer l'article.",
        ),
        "change": (
            "Nous avons modifié la commande {order} comme demandé.",
            "Votre demande pour la commande {order} est traitée.",
        ),
        "return": (
            "Vous pouvez retourner {product} depuis vos commandes Amazon ; le remboursement suit la réception.",
            "Le retour de la commande {order} est accepté.",
            "Le remboursement de la commande {order} est effectué et visible sous 3 à 5 jours.",
        ),
        "product": (
            "{product} taille normalement ; prenez votre taille habituelle.",
            "Oui, {product} convient.",
            "{product} est en acier inoxydable et se nettoie facilement.",
        ),
        "invoice": (
            "La facture de la commande {order} est disponible dans votre compte Amazon.",
            "Nous avons ajouté la facture avec TVA pour la commande {order}.",
        ),
        "payment": (
            "Toutes nos excuses pour la commande {order}. Nous avons vérifié et c'est réglé.",
            "Merci pour votre patience ; la commande {order} est maintenant en ordre.",
        ),
        "thanks": ("Merci pour votre message.", "Ravis que tout soit bien arrivé."),
        "next": ("Nous revenons vers vous dès que possible.", "Pour toute question, répondez simplement ici.", ""),
        "closing": ("Cordialement,", "Bien à vous,", "Merci,"),
    },
    "es": {
        "greeting": ("Hola {name}:", "Estimado/a {name}:", "Hola:"),
        "shipping": (
            "Su pedido {order} ha salido de nuestro almacén y está en camino.",
            "Hemos revisado el pedido {order}: está con el transportista.",
            "El pedido {order} se envió a tiempo y debería llegar en dos días.",
        ),
        "problem": (
            "Lo sentimos mucho. Hoy le enviamos sin coste un reemplazo de {product}.",
            "Gracias por avisarnos del pedido {order}. Un artículo nuevo sale mañana.",
            "Hemos preparado el reemplazo de {product}; no necesita devolver nada.",
        ),
        "change": ("Hemos modificado el pedido {order} como pidió.", "Su solicitud del pedido {order} está hecha."),
        "return": (
            "Puede devolver {product} desde sus pedidos de Amazon; el reembolso llega al recibirlo.",
            "La devolución del pedido {order} está aprobada.",
            "El reembolso del pedido {order} está emitido y se verá en 3-5 días.",
        ),
        "product": (
            "{product} talla normal; la mayoría elige su talla habitual.",
            "Sí, {product} es compatible.",
            "{product} es de acero inoxidable y se limpia con agua tibia.",
        ),
        "invoice": (
            "La factura del pedido {order} ya está en su cuenta de Amazon.",
            "Hemos subido la factura con IVA del pedido {order}.",
        ),
        "payment": (
            "Disculpe las molestias con el pedido {order}. Lo hemos revisado y resuelto.",
            "Gracias por su paciencia; el pedido {order} ya está en orden.",
        ),
        "thanks": ("Gracias por su mensaje.", "Nos alegra que todo llegara bien."),
        "next": ("Le escribiremos en cuanto sepamos más.", "Si necesita algo más, responda aquí.", ""),
        "closing": ("Saludos cordiales,", "Un saludo,", "Gracias,"),
    },
    "it": {
        "greeting": ("Gentile {name},", "Buongiorno {name},", "Ciao {name},"),
        "shipping": (
            "Il suo ordine {order} ha lasciato il magazzino ed è in viaggio.",
            "Abbiamo controllato l'ordine {order}: è presso il corriere.",
            "L'ordine {order} è partito in tempo e dovrebbe arrivare entro due giorni.",
        ),
        "problem": (
            "Ci dispiace. Oggi le spediamo gratuitamente un sostituto di {product}.",
            "Grazie per la segnalazione sull'ordine {order}. Un nuovo articolo parte domani.",
            "Abbiamo predisposto la sostituzione di {product}; non deve restituire nulla.",
        ),
        "change": (
            "Abbiamo modificato l'ordine {order} come richiesto.",
            "La sua richiesta per l'ordine {order} è fatta.",
        ),
        "return": (
            "Può restituire {product} dai suoi ordini Amazon; il rimborso segue alla ricezione.",
            "Il reso dell'ordine {order} è approvato.",
            "Il rimborso dell'ordine {order} è stato emesso e sarà visibile in 3-5 giorni.",
        ),
        "product": (
            "{product} veste regolare; prenda la sua taglia abituale.",
            "Sì, {product} è compatibile.",
            "{product} è in acciaio inox e si pulisce con acqua tiepida.",
        ),
        "invoice": (
            "La fattura dell'ordine {order} è disponibile nel suo account Amazon.",
            "Abbiamo caricato la fattura con IVA dell'ordine {order}.",
        ),
        "payment": (
            "Ci scusi per il disagio con l'ordine {order}. Abbiamo verificato e risolto.",
            "Grazie per la pazienza; l'ordine {order} ora è a posto.",
        ),
        "thanks": ("Grazie per il suo messaggio.", "Siamo felici che sia arrivato tutto bene."),
        "next": ("Le scriveremo appena avremo novità.", "Per qualsiasi domanda risponda pure qui.", ""),
        "closing": ("Cordiali saluti,", "Un saluto,", "Grazie,"),
    },
    "ja": {
        "greeting": (
            "{name}様",
            "{name}様\nお問い合わせありがとうございます。",
            "{name}様\nいつもご利用ありがとうございます。",
        ),
        "shipping": (
            "ご注文{order}は倉庫から出荷済みで、配送中です。",
            "ご注文{order}を確認しました。配送業者に引き渡し済みです。",
            "ご注文{order}は予定通り発送され、2日以内に届く見込みです。",
        ),
        "problem": (
            "ご迷惑をおかけし申し訳ございません。本日{product}の交換品を無料でお送りします。",
            "ご注文{order}についてご連絡ありがとうございます。新しい商品を明日発送します。",
            "{product}の交換品を手配しました。返品の必要はございません。",
        ),
        "change": ("ご注文{order}をご希望通り変更しました。", "ご注文{order}のご依頼を処理しました。"),
        "return": (
            "{product}はAmazonの注文履歴から返品いただけます。到着後に返金いたします。",
            "ご注文{order}の返品を承認しました。",
            "ご注文{order}の返金を行いました。3〜5日で反映されます。",
        ),
        "product": (
            "{product}は標準サイズです。普段のサイズをお選びください。",
            "はい、{product}は対応しております。",
            "{product}はステンレス製で、ぬるま湯で洗えます。",
        ),
        "invoice": (
            "ご注文{order}の領収書はAmazonアカウントからダウンロードいただけます。",
            "ご注文{order}の適格請求書をアップロードしました。",
        ),
        "payment": (
            "ご注文{order}の件、ご不便をおかけしました。確認のうえ対応いたしました。",
            "お待たせいたしました。ご注文{order}は解決済みです。",
        ),
        "thanks": ("ご連絡ありがとうございます。", "無事に届いたとのこと、安心いたしました。"),
        "next": ("進展があり次第ご連絡いたします。", "ご不明な点はこちらにご返信ください。", ""),
        "closing": ("よろしくお願いいたします。", "今後ともよろしくお願いいたします。"),
    },
}

LANGUAGES = tuple(_TEXTS)


def demo_reply(
    rng: random.Random,
    *,
    intent: str,
    language: str,
    buyer_name: str,
    order_id: str | None,
    product: str,
    signature: str,
) -> str:
    """A seller's reply to a buyer message of *intent*, in *language* (English where not covered)."""
    texts = _TEXTS.get(language, _TEXTS["en"])
    family = FAMILIES.get(intent, "thanks")
    order = order_id or ""
    if not order_id and family not in ("product", "thanks"):
        family = "product"
    values = {"name": buyer_name.split()[0] if language != "ja" else buyer_name, "order": order, "product": product}
    parts = [
        rng.choice(texts["greeting"]),
        rng.choice(texts[family]),
        rng.choice(texts["next"]),
        rng.choice(texts["closing"]) + "\n" + signature,
    ]
    joiner = "\n" if language == "ja" else "\n\n"
    return joiner.join(part.format(**values) for part in parts if part)
