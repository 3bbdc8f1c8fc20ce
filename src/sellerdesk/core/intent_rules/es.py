"""Spanish intent phrases: ``(regular expression, weight)`` per intent.

Patterns see the normalised text: lower case, accents removed ("envio" for "envío"), and the
inverted marks kept ("¿").
"""

from __future__ import annotations

RULES: dict[str, tuple[tuple[str, float], ...]] = {
    "order_status": (
        (r"\bcuando\b.{0,50}\b(llega\w*|recib\w*|envia\w*|enviar\w*|saldra|sale|entreg\w*|lo tendre|estara)", 1.5),
        (r"\b(todavia no|aun no|sigue sin|no se ha) (se ha )?(enviado|enviarse|salido|despachado)\b|\bsigue sin enviarse\b|\bpendiente de envio\b", 1.2),
        (r"\b(ya )?(han|ha) (enviado|salido|despachado)\b|\bya (lo )?enviaron\b|\bya (esta|va) (en camino|de camino)\b", 1.2),
        (r"\b(estado|novedad\w*) (de|sobre) (mi|el) pedido\b|\bnovedad\w*\b", 1.2),
        (r"\bdonde esta mi (pedido|paquete)\b", 1.2),
        (r"\bfecha (estimada |prevista )?de entrega\b", 1.0),
        (r"\ben (preparacion|camino)\b|\bno avanza\b", 0.8),
        (r"\bcuanto (falta|tarda)\b|\btarda tanto\b", 1.0),
        (r"\b(retras\w*)\b", 0.6),
        (r"\bconfirmacion de envio\b", 0.8),
    ),
    "tracking_request": (
        (r"\b(numero|codigo|enlace|link|informacion) de (seguimiento|rastreo|envio)\b", 2.0),
        (r"\b(tracking|rastrear|seguimiento)\b", 1.2),
        (r"\b(que|cual) (empresa de )?(transportista|mensajeria)\b", 1.0),
    ),
    "not_received": (
        (r"\b(figura|pone|dice|consta|aparece|marca)\w* (como )?['\"]?entregado\b", 1.5),
        (r"\b(nunca|no) (me )?(ha )?(llego|llegado|recibi|recibido|aparecio)\b|\bno he recibido\b|\bno me ha llegado nada\b", 1.5),
        (r"\b(perdido|extraviado|desaparecido)\b", 2.0),
        (r"\botra direccion\b|\bdireccion equivocada\b", 1.0),
        (r"\bno se mueve\b|\bno avanza desde\b", 1.0),
        (r"\b(vecinos?|buzon|conserje|porteria)\b|\baqui no hay nada\b", 0.8),
        (r"\bno es mi puerta\b|\bno tengo (el|ningun) paquete\b|\bninguna caja\b|\bdesaparecido\b", 1.5),
    ),
    "cancel_order": (
        (r"\bcancel\w*\b|\banular\w*\b|\banulen\b", 2.0),
        (r"\bpor error\b|\bdos veces\b", 0.8),
        (r"\bparen el envio\b", 1.0),
    ),
    "change_order": (
        (r"\b(cambiar|modificar|corregir|actualizar|actualicen|corrijan|cambien)\b.{0,30}\b(direccion|codigo postal|piso|cantidad)\b", 2.0),
        (r"\b(direccion|codigo postal)\b.{0,30}\b(cambiar|modificar|corregir)\b", 2.0),
        (r"\bme equivoque\b.{0,40}\b(direccion|numero|piso|codigo postal)\b|\bpuse mal\b", 1.5),
        (r"\b(cambiar|modificar|cambien|modifiquen)\b.{0,40}\b(mi pedido|el pedido|talla|color|cantidad)\b.{0,50}\b(antes|aun no ha salido|no ha salido)", 1.5),
        (r"\banadir otra unidad\b|\bdireccion de mi trabajo\b", 1.0),
    ),
    "return_refund": (
        (r"\b(reembols\w*|devuelvan (el|mi) dinero|devolver(me)? el dinero)\b", 1.5),
        (r"\b(devolver\w*|devolucion\w*|devolvi|devuelto|retorno)\b", 1.5),
        (r"\bmi dinero\b", 1.0),
        (r"\betiqueta de devolucion\b|\bpolitica de devolucion\w*\b|\bplazo de devolucion\b", 1.0),
    ),
    "exchange": (
        (r"\b(cambiarlo|cambiarla|cambiarlos|cambio|cambien|cambian|intercambi\w*)\b.{0,30}\b(por|talla|color|modelo)\b", 2.0),
        (r"\ba cambio\b|\buna talla mas\b|\bcambio en lugar\b", 1.5),
        (r"\bcambiar\b.{0,20}\bpor\b", 1.5),
        (r"\ben su lugar\b|\ben vez de este\b", 1.2),
    ),
    "damaged_defective": (
        (r"\b(roto|rota|rotos|rompio|rompieron|agrietad\w*|dañad\w*|danad\w*|defectuos\w*|rayad\w*|abollad\w*|aplastad\w*|añicos|anicos|estropead\w*)\b", 2.0),
        (r"\b(no|dejo de|deja de) (funciona\w*|enciende|carga|arranca|suena)\b|\bfalla\b", 2.0),
        (r"\bruido (raro|extraño|extrano)\b|\bno aguanta\b", 1.0),
        (r"\b(costuras?|cremallera)\b.{0,30}\b(solt|romp)\w*", 1.0),
        (r"\b(esta|estaba) muerto\b|\bmuerto\b", 1.0),
        (r"\b(se ha salido|gotea|parpadea|quemado|se partio|se calienta)\b", 1.5),
    ),
    "missing_parts": (
        (r"\bfalta\w*\b", 1.5),
        (r"\bno (venia|venian|viene|vienen|estaba|estaban)\b.{0,25}\b(en la caja|en el paquete|incluid\w*)\b|\bno venia\b|\bno viene\b", 1.5),
        (r"\bsolo (llego|llegaron|venia|venian|recibi)\b|\bsolo (\d+|uno|una|dos|tres)\b.{0,20}\b(llego|llegaron)\b", 1.5),
        (r"\bsin (el|la|los|las) (cable|cargador|manual|tornillos|tapa|mando)\b|\bvino sin\b|\bllego sin\b", 1.5),
        (r"\bsolo (me )?(llego|recibi) (\d+|uno|una) de\b|\b\d+ de (los|las) \d+\b", 1.5),
        (r"\bno (habia|venian?) \w+ ni\b", 1.5),
        (r"\bpero no (el|la|los|las)\b", 0.8),
    ),
    "wrong_item": (
        (r"\b(articulo|producto|talla|color|modelo|numero) (equivocad\w*|incorrect\w*|erroneo)\b|\b(equivocad\w*|otro) (articulo|producto|color)\b", 2.0),
        (r"\b(no es|este no es) (lo que|el producto que|el articulo que) (he )?ped\w*\b", 2.0),
        (r"\bped\w*\b.{1,40}\b(y|pero) (me )?(llego|llegaron|enviaron|mandaron|recibi)\b", 1.5),
        (r"\b(totalmente|completamente) distint\w*\b|\botra marca\b|\botra persona\b|\botra cosa\b|\bno son de mi numero\b", 1.5),
        (r"\bno (coincide|se parece)\b", 1.2),
    ),
    "product_question": (
        (r"\b(compatible|impermeable|lavavajillas|libre de bpa|piel autentica|sirve para|vale para)\b", 1.5),
        (r"\b(que|cual(es)?) (talla|material|medidas|voltaje|dimensiones)\b|\bde que material\b|\bque medidas\b", 1.5),
        (r"\b(medidas|peso|pesa|material|garantia|voltaje|\d+ ?v)\b", 0.8),
        (r"\btalla (es )?(pequeña|pequena|grande|normal)\b", 1.5),
        (r"\bantes de comprar\b|\bincluye pilas\b|\bcabe\b", 1.0),
        (r"\b¿?tiene (apagado|temporizador|funcion)\b|\bcuantos (vatios|watts)\b|\bcuanto dura la bateria\b", 1.5),
        (r"\b(ajustable|apagado automatico|temporizador|en otros colores|ultima version|hace mucho ruido)\b", 1.0),
    ),
    "usage_help": (
        (r"\bcomo (se |lo |la |puedo |debo |hago para )?(configur|conect|instal|limpi|lav|mont|us|reinici|actualiz|guard|carg|vincul|empareja|pon)\w*", 2.0),
        (r"\bno consigo\b|\bno puedo\b", 0.8),
        (r"\b(instrucciones|manual|video|firmware)\b", 0.5),
        (r"\bantes del primer uso\b", 1.5),
        (r"\bque (temperatura|ajuste|modo|boton)\b", 1.5),
        (r"\bdonde (esta|encuentro)\b.{0,20}\bcodigo\b", 1.2),
        (r"\b(consejo|primera (configuracion|puesta en marcha))\b", 1.2),
    ),
    "invoice_request": (
        (r"\bfactura\w*\b", 2.0),
        (r"\b(recibo|justificante|ticket)\b", 1.2),
        (r"\b(iva|cif|nif)\b", 1.0),
    ),
    "shipping_options": (
        (r"\b(envian|enviais|hacen envios|entregan|mandan)\b.{0,10}\b(a|al|en)\b|\benvios? a\b", 1.5),
        (r"\b(expres|urgente|envio rapido|mas rapid\w*|24 horas|dia siguiente)\b", 1.5),
        (r"\b(internacional\w*|al extranjero)\b", 1.2),
        (r"\b(metodos?|opciones?) de envio\b|\bentregarlo un sabado\b", 1.5),
        (r"\b(punto de recogida|locker)\b", 0.8),
        (r"\bentregar en\b|\ben 24 ?h(oras)?\b|\belegir el dia de entrega\b|\bse puede enviar a\b", 1.2),
    ),
    "payment_issue": (
        (r"\bcobrado dos veces\b|\bcobraron (dos veces|de mas|mas)\b|\bcobrado de mas\b|\bcargo duplicado\b|\bcobro doble\b", 2.0),
        (r"\bpago\b.{0,30}\b(rechazado|fallo|falla)\b|\brechazad\w*\b", 1.2),
        (r"\b(cargo|cargaron|cobraron|cobrado|cobro)\b", 1.0),
        (r"\bpague mas\b", 1.2),
        (r"\bcodigo de descuento\b.{0,30}\bno\b", 1.0),
        (r"\bdonde esta mi dinero\b", 0.5),
        (r"\bcargos? pendientes?\b|\bimporte retenido\b|\bcargo pero ningun pedido\b", 1.5),
    ),
    "complaint": (
        (r"\b(inaceptable|verguenza|pesim\w*|horrible|desastre|indignante|lamentable|peor)\b", 1.2),
        (r"\b(muy|totalmente) (decepcionad\w*|descontent\w*|molest\w*|enfadad\w*)\b|\bestoy harto\b|\bnada contento\b|\bdecepcionad\w*\b", 1.2),
        (r"\bno vuelvo a comprar\b|\bnunca mas\b", 1.0),
        (r"\bnadie (contesta|responde)\b|\bninguna respuesta\b", 1.0),
        (r"\bparece barato\b", 0.6),
    ),
    "feedback_review": (
        (r"\b(reseña\w*|resena\w*|valoracion\w*|opinion|opiniones|feedback|review)\b", 1.5),
        (r"\b(\d|una|dos|tres|cuatro|cinco) estrellas?\b", 1.5),
    ),
    "thanks_closing": (
        (r"\b(gracias|agradezco|agradecid\w*)\b", 1.0),
        (r"\b(resuelto|solucionado|todo (bien|perfecto|correcto)|entendido|recibido|me vale|perfecto)\b", 1.0),
        (r"^\W*(ok|vale|genial|perfecto|estupendo|de acuerdo)\W", 0.5),
    ),
    "other": (
        (r"\b(al por mayor|mayorista|distribuidor|colaboracion|seo|contratando|trabajar en|empleo)\b", 1.5),
        (r"\bnewsletter\b|\bdenme de baja\b|\bdar(me)? de baja\b|\blista de correo\b", 2.0),
        (r"\b(contraseña|contrasena|prime|cuenta de amazon|entrar en mi cuenta)\b", 0.8),
        (r"\b(robot|persona real|una persona)\b|\bhaga clic\b|\bha ganado\b|\bmensaje de prueba\b|\btienda fisica\b", 1.5),
        (r"\bpasen esto\b|\bhaganlo llegar\b|\breenvien\b", 1.5),
        (r"\b(marketing|catalogo|oficina|responsable|dirige)\b", 0.8),
        (r"\bdejen de\b", 2.0),
    ),
}
