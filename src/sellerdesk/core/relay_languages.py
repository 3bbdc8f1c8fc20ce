"""The words of Amazon's relay mails and notices in each language the marketplaces use.

Data only: :mod:`sellerdesk.core.relay_formats` assigns these to marketplaces. Templates carry
``{name}`` (the buyer's name), ``{order}`` (an order ID), ``{title}`` (an item title) or
``{case}`` (a Seller Support case number); the writer uses the first string of every tuple and
the parser accepts all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sellerdesk.core.mail import NoticeType


@dataclass(frozen=True)
class LanguageStrings:
    """The words of Amazon's relay mails in one language."""

    language: str  # ISO 639-1
    subjects: dict[str, tuple[str, ...]]  # subject kind -> templates with {name}
    order_word: str  # as in "(Order: 123-...)" after a subject
    begin_marker: str  # between dashes: "------------- Begin message -------------"
    end_marker: str
    order_label: str  # "Order ID: 123-..."
    intro: str  # the sentence above the item lines, with {name}
    footer: tuple[str, ...]  # lines that start Amazon's footer (the writer prints all, in order)
    quote_intro: str  # "On {date}, {name} wrote:" above quoted history
    notices: dict[NoticeType, tuple[str, ...]]  # notice subject templates
    notice_bodies: dict[NoticeType, str]  # the first sentence of each notice's body


_N = NoticeType

EN = LanguageStrings(
    language="en",
    subjects={
        "inquiry": ("Inquiry from Amazon customer {name}", "Message from Amazon customer {name}",
                    "Other question from Amazon customer {name}",
                    "Order information inquiry from Amazon customer {name}"),
        "product_details": ("Product details inquiry from Amazon customer {name}",),
        "shipping": ("Shipping inquiry from Amazon customer {name}",),
        "return_policy": ("Return policy inquiry from Amazon customer {name}",
                          "Return inquiry from Amazon customer {name}"),
        "customization": ("Customization inquiry from Amazon customer {name}",),
    },
    order_word="Order",
    begin_marker="Begin message",
    end_marker="End message",
    order_label="Order ID",
    intro="You have received a message from Amazon customer {name}:",
    footer=(
        "To respond to this customer, reply to this e-mail or visit your seller account.",
        "Was this e-mail helpful?",
        "Copyright Amazon and its affiliates. All rights reserved.",
    ),
    quote_intro="On {date}, {name} wrote:",
    notices={
        _N.ORDER_UPDATE: ("Sold, ship now: {title}", "Order cancellation request (Order: {order})",
                          "Refund initiated for order {order}", "Return request for order {order}"),
        _N.DELIVERY_FAILURE: ("Message delivery failure (Order: {order})", "Undeliverable message",
                              "Your e-mail to Amazon customer {name} could not be delivered",
                              "Delivery failure: {title}"),
        _N.BUYER_OPT_OUT: ("Buyer opted out of unsolicited messages (Order: {order})",
                           "Buyer has opted out of receiving messages (Order: {order})"),
        _N.SENT_COPY: ("Copy of your message to Amazon customer {name} (Order: {order})",),
        _N.SELLER_SUPPORT: ("Your Seller Support case {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "An order has been placed. Please ship the item now.",
        _N.DELIVERY_FAILURE: "We could not deliver your message to the buyer.",
        _N.BUYER_OPT_OUT: "The buyer has opted out of receiving unsolicited messages from sellers.",
        _N.SENT_COPY: "This is a copy of the message you sent to the buyer.",
        _N.SELLER_SUPPORT: "Thank you for contacting Amazon Seller Support.",
        _N.OTHER: "This is a notification from Amazon.",
    },
)

FR = LanguageStrings(
    language="fr",
    subjects={
        "inquiry": ("Demande de renseignements de la part du client Amazon {name}",
                    "Question du client Amazon {name}"),
        "product_details": ("Demande d'informations sur le produit de la part du client Amazon {name}",),
        "shipping": ("Question sur la livraison de la part du client Amazon {name}",),
        "return_policy": ("Question sur la politique de retour de la part du client Amazon {name}",),
        "customization": ("Question sur la personnalisation de la part du client Amazon {name}",),
    },
    order_word="Commande",
    begin_marker="Début du message",
    end_marker="Fin du message",
    order_label="Numéro de commande",
    intro="Vous avez reçu un message du client Amazon {name} :",
    footer=(
        "Pour répondre à ce client, répondez à cet e-mail ou rendez-vous sur votre compte vendeur.",
        "Cet e-mail vous a-t-il été utile ?",
        "Copyright Amazon et ses filiales. Tous droits réservés.",
    ),
    quote_intro="Le {date}, {name} a écrit :",
    notices={
        _N.ORDER_UPDATE: ("Vendu, expédiez maintenant : {title}", "Demande d'annulation (Commande : {order})"),
        _N.DELIVERY_FAILURE: ("Échec de remise du message (Commande : {order})",),
        _N.BUYER_OPT_OUT: ("L'acheteur refuse les messages non sollicités (Commande : {order})",),
        _N.SENT_COPY: ("Copie de votre message au client Amazon {name} (Commande : {order})",),
        _N.SELLER_SUPPORT: ("Votre dossier du Support vendeur {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Une commande a été passée. Veuillez expédier l'article.",
        _N.DELIVERY_FAILURE: "Nous n'avons pas pu remettre votre message à l'acheteur.",
        _N.BUYER_OPT_OUT: "L'acheteur a choisi de ne plus recevoir de messages non sollicités.",
        _N.SENT_COPY: "Ceci est une copie du message que vous avez envoyé à l'acheteur.",
        _N.SELLER_SUPPORT: "Merci d'avoir contacté le Support vendeur Amazon.",
        _N.OTHER: "Ceci est une notification d'Amazon.",
    },
)

DE = LanguageStrings(
    language="de",
    subjects={
        "inquiry": ("Anfrage von Amazon-Kunde {name}",),
        "product_details": ("Anfrage zu Produktdetails von Amazon-Kunde {name}",),
        "shipping": ("Anfrage zum Versand von Amazon-Kunde {name}",),
        "return_policy": ("Anfrage zu den Rückgabebedingungen von Amazon-Kunde {name}",),
        "customization": ("Anfrage zur Personalisierung von Amazon-Kunde {name}",),
    },
    order_word="Bestellung",
    begin_marker="Nachricht beginnt",
    end_marker="Nachricht endet",
    order_label="Bestellnummer",
    intro="Sie haben eine Nachricht von Amazon-Kunde {name} erhalten:",
    footer=(
        "Um diesem Kunden zu antworten, antworten Sie auf diese E-Mail oder besuchen Sie Ihr Verkäuferkonto.",
        "War diese E-Mail hilfreich?",
        "Copyright Amazon und Tochtergesellschaften. Alle Rechte vorbehalten.",
    ),
    quote_intro="Am {date} schrieb {name}:",
    notices={
        _N.ORDER_UPDATE: ("Verkauft, jetzt versenden: {title}", "Stornierungsanfrage (Bestellung: {order})"),
        _N.DELIVERY_FAILURE: ("Nachricht konnte nicht zugestellt werden (Bestellung: {order})",),
        _N.BUYER_OPT_OUT: ("Käufer hat unaufgeforderte Nachrichten abbestellt (Bestellung: {order})",),
        _N.SENT_COPY: ("Kopie Ihrer Nachricht an Amazon-Kunde {name} (Bestellung: {order})",),
        _N.SELLER_SUPPORT: ("Ihr Fall beim Verkäuferservice {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Eine Bestellung wurde aufgegeben. Bitte versenden Sie den Artikel jetzt.",
        _N.DELIVERY_FAILURE: "Wir konnten Ihre Nachricht nicht an den Käufer zustellen.",
        _N.BUYER_OPT_OUT: "Der Käufer möchte keine unaufgeforderten Nachrichten von Verkäufern erhalten.",
        _N.SENT_COPY: "Dies ist eine Kopie der Nachricht, die Sie an den Käufer gesendet haben.",
        _N.SELLER_SUPPORT: "Vielen Dank, dass Sie sich an den Amazon Verkäuferservice gewandt haben.",
        _N.OTHER: "Dies ist eine Benachrichtigung von Amazon.",
    },
)

ES = LanguageStrings(
    language="es",
    subjects={
        "inquiry": ("Consulta del cliente de Amazon {name}",),
        "product_details": ("Consulta sobre los detalles del producto del cliente de Amazon {name}",),
        "shipping": ("Consulta sobre el envío del cliente de Amazon {name}",),
        "return_policy": ("Consulta sobre la política de devoluciones del cliente de Amazon {name}",),
        "customization": ("Consulta sobre la personalización del cliente de Amazon {name}",),
    },
    order_word="Pedido",
    begin_marker="Inicio del mensaje",
    end_marker="Fin del mensaje",
    order_label="Número de pedido",
    intro="Has recibido un mensaje del cliente de Amazon {name}:",
    footer=(
        "Para responder a este cliente, responde a este correo electrónico o visita tu cuenta de vendedor.",
        "¿Te ha resultado útil este correo electrónico?",
        "Copyright Amazon y sus filiales. Todos los derechos reservados.",
    ),
    quote_intro="El {date}, {name} escribió:",
    notices={
        _N.ORDER_UPDATE: ("Vendido, envíalo ahora: {title}", "Solicitud de cancelación (Pedido: {order})"),
        _N.DELIVERY_FAILURE: ("Error en la entrega del mensaje (Pedido: {order})",),
        _N.BUYER_OPT_OUT: ("El comprador ha rechazado los mensajes no solicitados (Pedido: {order})",),
        _N.SENT_COPY: ("Copia de tu mensaje al cliente de Amazon {name} (Pedido: {order})",),
        _N.SELLER_SUPPORT: ("Tu caso de Soporte al vendedor {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Se ha realizado un pedido. Envía el artículo ahora.",
        _N.DELIVERY_FAILURE: "No hemos podido entregar tu mensaje al comprador.",
        _N.BUYER_OPT_OUT: "El comprador ha decidido no recibir mensajes no solicitados de los vendedores.",
        _N.SENT_COPY: "Esta es una copia del mensaje que has enviado al comprador.",
        _N.SELLER_SUPPORT: "Gracias por ponerte en contacto con el Soporte al vendedor de Amazon.",
        _N.OTHER: "Esta es una notificación de Amazon.",
    },
)

PT = LanguageStrings(
    language="pt",
    subjects={
        "inquiry": ("Pergunta do cliente da Amazon {name}",),
        "product_details": ("Pergunta sobre detalhes do produto do cliente da Amazon {name}",),
        "shipping": ("Pergunta sobre o envio do cliente da Amazon {name}",),
        "return_policy": ("Pergunta sobre a política de devolução do cliente da Amazon {name}",),
        "customization": ("Pergunta sobre personalização do cliente da Amazon {name}",),
    },
    order_word="Pedido",
    begin_marker="Início da mensagem",
    end_marker="Fim da mensagem",
    order_label="Número do pedido",
    intro="Você recebeu uma mensagem do cliente da Amazon {name}:",
    footer=(
        "Para responder a este cliente, responda a este e-mail ou acesse sua conta de vendedor.",
        "Este e-mail foi útil?",
        "Copyright Amazon e suas afiliadas. Todos os direitos reservados.",
    ),
    quote_intro="Em {date}, {name} escreveu:",
    notices={
        _N.ORDER_UPDATE: ("Vendido, envie agora: {title}", "Solicitação de cancelamento (Pedido: {order})"),
        _N.DELIVERY_FAILURE: ("Falha na entrega da mensagem (Pedido: {order})",),
        _N.BUYER_OPT_OUT: ("O comprador recusou mensagens não solicitadas (Pedido: {order})",),
        _N.SENT_COPY: ("Cópia da sua mensagem ao cliente da Amazon {name} (Pedido: {order})",),
        _N.SELLER_SUPPORT: ("Seu caso no Suporte ao vendedor {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Um pedido foi feito. Envie o item agora.",
        _N.DELIVERY_FAILURE: "Não foi possível entregar sua mensagem ao comprador.",
        _N.BUYER_OPT_OUT: "O comprador optou por não receber mensagens não solicitadas dos vendedores.",
        _N.SENT_COPY: "Esta é uma cópia da mensagem que você enviou ao comprador.",
        _N.SELLER_SUPPORT: "Obrigado por entrar em contato com o Suporte ao vendedor da Amazon.",
        _N.OTHER: "Esta é uma notificação da Amazon.",
    },
)

IT = LanguageStrings(
    language="it",
    subjects={
        "inquiry": ("Richiesta dal cliente Amazon {name}",),
        "product_details": ("Richiesta di dettagli sul prodotto dal cliente Amazon {name}",),
        "shipping": ("Richiesta sulla spedizione dal cliente Amazon {name}",),
        "return_policy": ("Richiesta sulle condizioni di reso dal cliente Amazon {name}",),
        "customization": ("Richiesta sulla personalizzazione dal cliente Amazon {name}",),
    },
    order_word="Ordine",
    begin_marker="Inizio messaggio",
    end_marker="Fine messaggio",
    order_label="Numero ordine",
    intro="Hai ricevuto un messaggio dal cliente Amazon {name}:",
    footer=(
        "Per rispondere a questo cliente, rispondi a questa e-mail o visita il tuo account venditore.",
        "Questa e-mail ti è stata utile?",
        "Copyright Amazon e affiliate. Tutti i diritti riservati.",
    ),
    quote_intro="Il {date}, {name} ha scritto:",
    notices={
        _N.ORDER_UPDATE: ("Venduto, spedisci ora: {title}", "Richiesta di annullamento (Ordine: {order})"),
        _N.DELIVERY_FAILURE: ("Mancata consegna del messaggio (Ordine: {order})",),
        _N.BUYER_OPT_OUT: ("L'acquirente ha rifiutato i messaggi non richiesti (Ordine: {order})",),
        _N.SENT_COPY: ("Copia del tuo messaggio al cliente Amazon {name} (Ordine: {order})",),
        _N.SELLER_SUPPORT: ("Il tuo caso con il Supporto venditori {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "È stato effettuato un ordine. Spedisci l'articolo ora.",
        _N.DELIVERY_FAILURE: "Non è stato possibile consegnare il tuo messaggio all'acquirente.",
        _N.BUYER_OPT_OUT: "L'acquirente ha scelto di non ricevere messaggi non richiesti dai venditori.",
        _N.SENT_COPY: "Questa è una copia del messaggio che hai inviato all'acquirente.",
        _N.SELLER_SUPPORT: "Grazie per aver contattato il Supporto venditori Amazon.",
        _N.OTHER: "Questa è una notifica di Amazon.",
    },
)

NL = LanguageStrings(
    language="nl",
    subjects={
        "inquiry": ("Vraag van Amazon-klant {name}",),
        "product_details": ("Vraag over productgegevens van Amazon-klant {name}",),
        "shipping": ("Vraag over verzending van Amazon-klant {name}",),
        "return_policy": ("Vraag over retourbeleid van Amazon-klant {name}",),
        "customization": ("Vraag over personalisatie van Amazon-klant {name}",),
    },
    order_word="Bestelling",
    begin_marker="Begin bericht",
    end_marker="Einde bericht",
    order_label="Bestelnummer",
    intro="U hebt een bericht ontvangen van Amazon-klant {name}:",
    footer=(
        "Beantwoord deze e-mail of ga naar uw verkopersaccount om deze klant te antwoorden.",
        "Was deze e-mail nuttig?",
        "Copyright Amazon en gelieerde ondernemingen. Alle rechten voorbehouden.",
    ),
    quote_intro="Op {date} schreef {name}:",
    notices={
        _N.ORDER_UPDATE: ("Verkocht, nu verzenden: {title}",),
        _N.DELIVERY_FAILURE: ("Bericht kon niet worden bezorgd (Bestelling: {order})",),
        _N.BUYER_OPT_OUT: ("Koper wil geen ongevraagde berichten (Bestelling: {order})",),
        _N.SENT_COPY: ("Kopie van uw bericht aan Amazon-klant {name} (Bestelling: {order})",),
        _N.SELLER_SUPPORT: ("Uw case bij Verkopersondersteuning {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Er is een bestelling geplaatst. Verzend het artikel nu.",
        _N.DELIVERY_FAILURE: "We konden uw bericht niet bij de koper bezorgen.",
        _N.BUYER_OPT_OUT: "De koper wil geen ongevraagde berichten van verkopers ontvangen.",
        _N.SENT_COPY: "Dit is een kopie van het bericht dat u naar de koper hebt gestuurd.",
        _N.SELLER_SUPPORT: "Bedankt voor uw contact met Amazon Verkopersondersteuning.",
        _N.OTHER: "Dit is een melding van Amazon.",
    },
)

SV = LanguageStrings(
    language="sv",
    subjects={
        "inquiry": ("Fråga från Amazon-kunden {name}",),
        "product_details": ("Fråga om produktinformation från Amazon-kunden {name}",),
        "shipping": ("Fråga om leverans från Amazon-kunden {name}",),
        "return_policy": ("Fråga om returpolicy från Amazon-kunden {name}",),
        "customization": ("Fråga om anpassning från Amazon-kunden {name}",),
    },
    order_word="Beställning",
    begin_marker="Meddelandets början",
    end_marker="Meddelandets slut",
    order_label="Beställningsnummer",
    intro="Du har fått ett meddelande från Amazon-kunden {name}:",
    footer=(
        "Svara på det här e-postmeddelandet eller besök ditt säljarkonto för att svara kunden.",
        "Var det här e-postmeddelandet till hjälp?",
        "Copyright Amazon och dess dotterbolag. Alla rättigheter förbehållna.",
    ),
    quote_intro="Den {date} skrev {name}:",
    notices={
        _N.ORDER_UPDATE: ("Såld, skicka nu: {title}",),
        _N.DELIVERY_FAILURE: ("Meddelandet kunde inte levereras (Beställning: {order})",),
        _N.BUYER_OPT_OUT: ("Köparen har avböjt oombedda meddelanden (Beställning: {order})",),
        _N.SENT_COPY: ("Kopia av ditt meddelande till Amazon-kunden {name} (Beställning: {order})",),
        _N.SELLER_SUPPORT: ("Ditt ärende hos Säljarsupport {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "En beställning har lagts. Skicka artikeln nu.",
        _N.DELIVERY_FAILURE: "Vi kunde inte leverera ditt meddelande till köparen.",
        _N.BUYER_OPT_OUT: "Köparen vill inte få oombedda meddelanden från säljare.",
        _N.SENT_COPY: "Det här är en kopia av meddelandet du skickade till köparen.",
        _N.SELLER_SUPPORT: "Tack för att du kontaktade Amazons säljarsupport.",
        _N.OTHER: "Det här är ett meddelande från Amazon.",
    },
)

PL = LanguageStrings(
    language="pl",
    subjects={
        "inquiry": ("Zapytanie od klienta Amazon {name}",),
        "product_details": ("Zapytanie o szczegóły produktu od klienta Amazon {name}",),
        "shipping": ("Zapytanie o wysyłkę od klienta Amazon {name}",),
        "return_policy": ("Zapytanie o zasady zwrotów od klienta Amazon {name}",),
        "customization": ("Zapytanie o personalizację od klienta Amazon {name}",),
    },
    order_word="Zamówienie",
    begin_marker="Początek wiadomości",
    end_marker="Koniec wiadomości",
    order_label="Numer zamówienia",
    intro="Otrzymałeś wiadomość od klienta Amazon {name}:",
    footer=(
        "Aby odpowiedzieć temu klientowi, odpowiedz na tę wiadomość e-mail lub odwiedź swoje konto sprzedawcy.",
        "Czy ta wiadomość była pomocna?",
        "Copyright Amazon i podmioty powiązane. Wszelkie prawa zastrzeżone.",
    ),
    quote_intro="W dniu {date} {name} napisał(a):",
    notices={
        _N.ORDER_UPDATE: ("Sprzedano, wyślij teraz: {title}",),
        _N.DELIVERY_FAILURE: ("Nie udało się dostarczyć wiadomości (Zamówienie: {order})",),
        _N.BUYER_OPT_OUT: ("Kupujący zrezygnował z niezamówionych wiadomości (Zamówienie: {order})",),
        _N.SENT_COPY: ("Kopia Twojej wiadomości do klienta Amazon {name} (Zamówienie: {order})",),
        _N.SELLER_SUPPORT: ("Twoje zgłoszenie w Pomocy dla sprzedawców {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Złożono zamówienie. Wyślij teraz produkt.",
        _N.DELIVERY_FAILURE: "Nie mogliśmy dostarczyć Twojej wiadomości do kupującego.",
        _N.BUYER_OPT_OUT: "Kupujący nie chce otrzymywać niezamówionych wiadomości od sprzedawców.",
        _N.SENT_COPY: "To jest kopia wiadomości wysłanej przez Ciebie do kupującego.",
        _N.SELLER_SUPPORT: "Dziękujemy za kontakt z Pomocą dla sprzedawców Amazon.",
        _N.OTHER: "To jest powiadomienie od Amazon.",
    },
)

TR = LanguageStrings(
    language="tr",
    subjects={
        "inquiry": ("Amazon müşterisi {name} tarafından gönderilen soru",),
        "product_details": ("Amazon müşterisi {name} tarafından ürün ayrıntıları sorusu",),
        "shipping": ("Amazon müşterisi {name} tarafından gönderim sorusu",),
        "return_policy": ("Amazon müşterisi {name} tarafından iade politikası sorusu",),
        "customization": ("Amazon müşterisi {name} tarafından kişiselleştirme sorusu",),
    },
    order_word="Sipariş",
    begin_marker="Mesaj başlangıcı",
    end_marker="Mesaj sonu",
    order_label="Sipariş numarası",
    intro="Amazon müşterisi {name} size bir mesaj gönderdi:",
    footer=(
        "Bu müşteriye yanıt vermek için bu e-postayı yanıtlayın veya satıcı hesabınızı ziyaret edin.",
        "Bu e-posta yararlı oldu mu?",
        "Telif hakkı Amazon ve iştirakleri. Tüm hakları saklıdır.",
    ),
    quote_intro="{date} tarihinde {name} şunu yazdı:",
    notices={
        _N.ORDER_UPDATE: ("Satıldı, şimdi gönderin: {title}",),
        _N.DELIVERY_FAILURE: ("Mesaj teslim edilemedi (Sipariş: {order})",),
        _N.BUYER_OPT_OUT: ("Alıcı istenmeyen mesajları reddetti (Sipariş: {order})",),
        _N.SENT_COPY: ("Amazon müşterisi {name} için mesajınızın kopyası (Sipariş: {order})",),
        _N.SELLER_SUPPORT: ("Satıcı Destek talebiniz {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "Bir sipariş verildi. Lütfen ürünü şimdi gönderin.",
        _N.DELIVERY_FAILURE: "Mesajınızı alıcıya teslim edemedik.",
        _N.BUYER_OPT_OUT: "Alıcı, satıcılardan istenmeyen mesaj almak istemiyor.",
        _N.SENT_COPY: "Bu, alıcıya gönderdiğiniz mesajın bir kopyasıdır.",
        _N.SELLER_SUPPORT: "Amazon Satıcı Destek ile iletişime geçtiğiniz için teşekkür ederiz.",
        _N.OTHER: "Bu, Amazon'dan bir bildirimdir.",
    },
)

JA = LanguageStrings(
    language="ja",
    subjects={
        "inquiry": ("Amazonのお客様 {name} からのお問い合わせ",),
        "product_details": ("Amazonのお客様 {name} からの商品詳細に関するお問い合わせ",),
        "shipping": ("Amazonのお客様 {name} からの配送に関するお問い合わせ",),
        "return_policy": ("Amazonのお客様 {name} からの返品ポリシーに関するお問い合わせ",),
        "customization": ("Amazonのお客様 {name} からのカスタマイズに関するお問い合わせ",),
    },
    order_word="注文番号",
    begin_marker="メッセージ開始",
    end_marker="メッセージ終了",
    order_label="注文番号",
    intro="Amazonのお客様 {name} からメッセージが届きました:",
    footer=(
        "このお客様に返信するには、このEメールに返信するか、セラーアカウントにアクセスしてください。",
        "このEメールは役に立ちましたか?",
        "Copyright Amazon およびその関連会社。All rights reserved.",
    ),
    quote_intro="{date}、{name} さんは書きました:",
    notices={
        _N.ORDER_UPDATE: ("出品者からの発送をお願いします: {title}",),
        _N.DELIVERY_FAILURE: ("メッセージを配信できませんでした (注文番号: {order})",),
        _N.BUYER_OPT_OUT: ("購入者が不要なメッセージの受信を停止しました (注文番号: {order})",),
        _N.SENT_COPY: ("Amazonのお客様 {name} へのメッセージのコピー (注文番号: {order})",),
        _N.SELLER_SUPPORT: ("テクニカルサポートへのお問い合わせ {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "商品が購入されました。すぐに発送してください。",
        _N.DELIVERY_FAILURE: "購入者へのメッセージを配信できませんでした。",
        _N.BUYER_OPT_OUT: "購入者は出品者からの不要なメッセージの受信を停止しました。",
        _N.SENT_COPY: "これは購入者に送信したメッセージのコピーです。",
        _N.SELLER_SUPPORT: "Amazonテクニカルサポートにお問い合わせいただきありがとうございます。",
        _N.OTHER: "これはAmazonからのお知らせです。",
    },
)

AR = LanguageStrings(
    language="ar",
    subjects={
        "inquiry": ("استفسار من عميل أمازون {name}",),
        "product_details": ("استفسار عن تفاصيل المنتج من عميل أمازون {name}",),
        "shipping": ("استفسار عن الشحن من عميل أمازون {name}",),
        "return_policy": ("استفسار عن سياسة الإرجاع من عميل أمازون {name}",),
        "customization": ("استفسار عن التخصيص من عميل أمازون {name}",),
    },
    order_word="الطلب",
    begin_marker="بداية الرسالة",
    end_marker="نهاية الرسالة",
    order_label="رقم الطلب",
    intro="لقد تلقيت رسالة من عميل أمازون {name}:",
    footer=(
        "للرد على هذا العميل، قم بالرد على هذا البريد الإلكتروني أو قم بزيارة حساب البائع الخاص بك.",
        "هل كان هذا البريد الإلكتروني مفيدًا؟",
        "حقوق النشر أمازون والشركات التابعة لها. جميع الحقوق محفوظة.",
    ),
    quote_intro="في {date}، كتب {name}:",
    notices={
        _N.ORDER_UPDATE: ("تم البيع، اشحن الآن: {title}",),
        _N.DELIVERY_FAILURE: ("فشل تسليم الرسالة (الطلب: {order})",),
        _N.BUYER_OPT_OUT: ("رفض المشتري الرسائل غير المرغوب فيها (الطلب: {order})",),
        _N.SENT_COPY: ("نسخة من رسالتك إلى عميل أمازون {name} (الطلب: {order})",),
        _N.SELLER_SUPPORT: ("حالتك لدى دعم البائعين {case}",),
    },
    notice_bodies={
        _N.ORDER_UPDATE: "تم تقديم طلب. يرجى شحن المنتج الآن.",
        _N.DELIVERY_FAILURE: "لم نتمكن من تسليم رسالتك إلى المشتري.",
        _N.BUYER_OPT_OUT: "اختار المشتري عدم تلقي رسائل غير مرغوب فيها من البائعين.",
        _N.SENT_COPY: "هذه نسخة من الرسالة التي أرسلتها إلى المشتري.",
        _N.SELLER_SUPPORT: "شكرًا لتواصلك مع دعم البائعين في أمازون.",
        _N.OTHER: "هذا إشعار من أمازون.",
    },
)
