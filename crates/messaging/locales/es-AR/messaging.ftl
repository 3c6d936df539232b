# Comunicaciones: plantillas, mensajes y proveedores.
nav-messages = Mensajes
nav-message-templates = Plantillas de mensajes
nav-message-providers = Proveedores de mensajería

messaging-channel = Canal
messaging-channel-email = E-mail
messaging-channel-sms = SMS
messaging-channel-whatsapp = WhatsApp
messaging-direction-in = Recibido
messaging-direction-out = Enviado

messaging-status-queued = En cola
messaging-status-sending = Enviándose
messaging-status-sent = Enviado
messaging-status-delivered = Entregado
messaging-status-failed = Falló
messaging-status-expired = Vencido
messaging-status-skipped = No enviado
messaging-status-cancelled = Cancelado
messaging-status-received = Recibido

messaging-reason-no_address = sin dirección para el canal
messaging-reason-no_channel_consent = sin consentimiento para el canal
messaging-reason-no_purpose_consent = sin consentimiento para la finalidad
messaging-reason-consent_withdrawn = la persona retiró su consentimiento
messaging-reason-frequency_cap = superaría el máximo de mensajes por persona
messaging-reason-unconfirmed = el proveedor no confirmó la recepción
messaging-reason-cancelled = campaña cancelada

messaging-purpose-service = Trámites de la persona (avisos de servicio)
messaging-purpose-contact = Contacto por la oficina
messaging-purpose-job_matching = Búsqueda de empleo y derivaciones
messaging-purpose-share_with_employers = Compartir el perfil con empleadores
messaging-purpose-training_offers = Ofertas de capacitación
messaging-purpose-statistics = Estadísticas

messaging-templates-title = Plantillas de mensajes
messaging-templates-none = Todavía no hay plantillas.
messaging-template-new = Nueva plantilla
messaging-template-filter = Nombre o código
messaging-template-name = Nombre
messaging-template-code = Código
messaging-template-code-hint = De 3 a 40 letras minúsculas, números o guiones bajos; los otros módulos envían por este código.
messaging-template-purpose = Finalidad
messaging-template-purpose-hint = Los avisos de servicio solo piden el consentimiento del canal; las demás finalidades, además, el de la finalidad.
messaging-template-any-hour = Enviar a cualquier hora
messaging-template-any-hour-hint = Para mensajes que no pueden esperar (un código de ingreso); los demás SMS y WhatsApp esperan fuera del horario de silencio.
messaging-template-active = Activa
messaging-template-retired = Retirada
messaging-template-channels = Canales
messaging-template-updated = Modificada
messaging-template-general = Datos de la plantilla
messaging-template-version = Versión { $n }
messaging-template-variables = Variables disponibles:
messaging-template-sms = Texto del SMS
messaging-template-transliterate = Quitar tildes para quedarse en GSM-7
messaging-template-transliterate-hint = á → a, ó → o: un solo carácter fuera de GSM-7 baja el segmento de 160 a 70 caracteres.
messaging-template-subject = Asunto del e-mail
messaging-template-email = Texto del e-mail
messaging-template-wa-name = Nombre de la plantilla aprobada de WhatsApp
messaging-template-wa-name-hint = Tal como figura en el administrador de WhatsApp (minúsculas, números y guiones bajos).
messaging-template-wa-language = Idioma de la plantilla de WhatsApp
messaging-template-wa-params = Parámetros de la plantilla de WhatsApp
messaging-template-wa-params-hint = Variables en orden, separadas por comas: nombre, fecha, oficina.
messaging-template-wa-text = Texto libre de WhatsApp
messaging-template-wa-text-hint = Solo se usa dentro de las 24 horas después de que la persona escribió.
messaging-template-saved = Plantilla guardada.
messaging-code-invalid = Usá de 3 a 40 letras minúsculas, números o guiones bajos.
messaging-code-taken = Ya hay una plantilla con ese código.
messaging-variable-unknown = Hay una variable que no existe o una llave sin cerrar; usá las variables de la lista.
messaging-email-needs-both = El e-mail necesita asunto y texto.
messaging-whatsapp-name-invalid = Usá minúsculas, números y guiones bajos, como en el administrador de WhatsApp.
messaging-template-empty = Escribí el texto de al menos un canal.

messaging-sms-units = unidades
messaging-sms-segments = segmentos
messaging-sms-cost = costo
messaging-sms-encoding-hint = GSM-7 admite 160 caracteres por SMS (153 si son varios); con una tilde (á, í, ó, ú) pasa a UCS-2: 70 (67 si son varios). €, [, ], {"{"}, {"}"}, ~, ^, | y \ cuentan doble. Cada variable se cuenta como su nombre.

messaging-messages-title = Mensajes
messaging-messages-none = No hay mensajes con esos filtros.
messaging-message-title = Mensaje
messaging-message-when = Fecha
messaging-message-person = Persona
messaging-message-address = Dirección
messaging-message-text = Texto
messaging-message-sent = Enviado
messaging-message-delivered = Entregado
messaging-unknown-sender = Número desconocido
messaging-provider = Proveedor
messaging-attempts = { $n ->
    [one] 1 intento
   *[other] { $n } intentos
}

messaging-providers-title = Proveedores de mensajería
messaging-providers-intro = Se configuran en la sección [messaging] del archivo de configuración; las contraseñas y tokens se leen de archivos o variables de entorno y nunca se muestran.
messaging-provider-sink = Carpeta de desarrollo (no sale nada)
messaging-provider-smtp = Servidor SMTP
messaging-rate = Mensajes por segundo
messaging-provider-detail = Detalle
messaging-quiet-hours = Horario de silencio (SMS y WhatsApp)
messaging-quiet-none = Ninguno
messaging-frequency = Máximo por persona (campañas)
messaging-frequency-value = { $n } mensajes cada { $days } días
messaging-approval-threshold = Destinatarios desde los que una campaña necesita aprobación
messaging-sms-price = Precio por segmento de SMS
messaging-queued-now = Mensajes en cola ahora

messaging-person-title = Mensajes
messaging-person-none = Todavía no hay mensajes con esta persona.
messaging-person-all = Ver los { $n } mensajes

timeline-messaging-message = { $channel }: «{ $template }» ({ $status })
