# Comunicaciones: plantillas, mensajes y proveedores.
nav-messages = Mensajes
nav-message-templates = Plantillas de mensajes
nav-message-providers = Proveedores de mensajería

messaging-channel = Canal
messaging-channel-email = E-mail
messaging-channel-sms = SMS
messaging-channel-whatsapp = WhatsApp
messaging-direction-in = Entrante
messaging-direction-out = Saliente

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
messaging-reason-missing_variable = la plantilla usa una variable que este aviso no tiene
messaging-reason-provider_refused = el proveedor lo rechazó
messaging-reason-provider_error = el proveedor no respondió (se reintenta)
messaging-reason-address_changed = cambió la dirección de la persona
messaging-reason-template_inactive = la plantilla fue retirada
messaging-reason-no_person = la persona ya no está en el registro
messaging-reason-opt_out = pidió la baja (respondió STOP o BAJA)
messaging-reason-unknown_sender = el número no es de nadie del registro
messaging-provider-off = Sin usar

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
messaging-variable-not-given = Este aviso no tiene esa variable: usá las de la persona y las que el aviso da.
messaging-code-fixed = El código no se cambia: los módulos envían por él.
messaging-template-changed = Otra persona cambió la plantilla mientras la editabas; volvé a abrirla.
messaging-template-empty = Escribí el texto de al menos un canal.

messaging-sms-units = Unidades
messaging-sms-segments = Segmentos
messaging-sms-cost = Costo
messaging-sms-encoding-hint = GSM-7 admite 160 caracteres por SMS (153 si son varios); con una tilde (á, í, ó, ú) pasa a UCS-2: 70 (67 si son varios). €, [, ], {"{"}, {"}"}, ~, ^, | y \ cuentan doble. Cada variable se cuenta con un largo típico ({"{"}nombre{"}"} 12 caracteres, {"{"}oficina{"}"} 30, {"{"}enlace{"}"} 40); un nombre con tilde pasa ese mensaje a UCS-2 si no se quitan las tildes.

messaging-messages-title = Mensajes
messaging-messages-none = No hay mensajes con esos filtros.
messaging-message-title = Mensaje
messaging-message-when = Fecha
messaging-message-person = Persona
messaging-message-address = Teléfono o e-mail
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
messaging-provider-smpp = Centro de SMS por SMPP 3.4
messaging-provider-cloud_api = API de WhatsApp Cloud
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

timeline-messaging-message = { $state ->
    [skipped] { $channel }: «{ $template }», no enviado: { $reason }
   *[other] { $channel }: «{ $template }»
}

nav-campaigns = Campañas
messaging-campaigns-title = Campañas
messaging-campaigns-none = Todavía no hay campañas.
messaging-campaign-new = Nueva campaña
messaging-campaign-name = Nombre de la campaña
messaging-campaign-template = Plantilla
messaging-campaign-recipients = Destinatarios
messaging-campaign-message = Mensaje
messaging-choose = Elegí una opción
messaging-campaign-state-draft = Borrador
messaging-campaign-state-pending_approval = Espera aprobación
messaging-campaign-state-scheduled = Programada
messaging-campaign-state-sending = Enviándose
messaging-campaign-state-finished = Terminada
messaging-campaign-state-cancelled = Cancelada
messaging-campaign-save = Guardar borrador
messaging-campaign-saved = Campaña guardada.
messaging-campaign-pending = La campaña espera la aprobación de otra persona.
messaging-campaign-scheduled = La campaña quedó programada.
messaging-campaign-cancelled = La campaña se canceló; los mensajes sin enviar se retiraron.
messaging-campaign-author = Preparada por
messaging-campaign-approver = Aprobada por
messaging-campaign-when = Programada para
messaging-campaign-cancelled-by = Cancelada por
messaging-campaign-queued = Mensajes generados
messaging-campaign-excluded = Quedaron afuera
messaging-campaign-reach-now = Hoy llegaría a { $n ->
    [one] 1 persona
   *[other] { $n } personas
} por este canal.
messaging-campaign-threshold = Con más de { $n } destinatarios la aprueba otra persona.
messaging-campaign-schedule = Enviar el
messaging-campaign-schedule-hint = Vacío: ahora. Los SMS y WhatsApp esperan el fin del horario de silencio.
messaging-campaign-launch = Enviar
messaging-campaign-approval-ask = Esta campaña llega a { $n } personas y necesita tu aprobación.
messaging-campaign-approve = Aprobar
messaging-campaign-reject = Devolver a borrador
messaging-campaign-cancel = Cancelar la campaña
messaging-campaign-cancel-confirm = ¿Cancelar la campaña? Los mensajes que todavía no salieron se retiran.
messaging-campaign-report = Resultado
messaging-campaign-report-none = Todavía no hay mensajes de esta campaña.
messaging-campaign-messages = Mensajes
messaging-campaign-opt-outs = Bajas (retiraron el consentimiento)
messaging-campaign-cost = Costo
messaging-campaign-failures = Fallas por motivo
messaging-campaign-see-messages = Ver los mensajes
messaging-campaign-template-unknown = Elegí una plantilla activa.
messaging-campaign-no-variant = La plantilla no tiene texto para este canal.
messaging-campaign-changed = Otra persona cambió la campaña; volvé a abrirla.
messaging-campaign-not-author = Solo quien preparó la campaña la envía.
messaging-campaign-when-invalid = Escribí una fecha y hora futuras.
messaging-campaign-nobody = Este canal no llega a nadie con esa audiencia.
messaging-campaign-same-user = La aprueba otra persona, no quien la preparó.
messaging-campaign-step-not-allowed = Ese paso no corresponde al estado de la campaña.

messaging-audiences-title = Audiencias
messaging-audiences-intro = Una audiencia guarda filtros, nunca personas: cada vez que se usa encuentra a quienes los cumplen, dentro de tu alcance.
messaging-audiences-none = Todavía no hay audiencias guardadas.
messaging-audience = Audiencia
messaging-audience-hint = Solo reciben quienes tienen la dirección y el consentimiento del canal (y el de la finalidad de la plantilla).
messaging-audience-office = Oficina
messaging-audience-every-office = Todas las oficinas
messaging-audience-department = Departamento
messaging-audience-sex = Sexo registral
messaging-audience-age-min = Edad desde
messaging-audience-age-max = Edad hasta
messaging-audience-education = Nivel educativo
messaging-audience-employment = Situación laboral
messaging-audience-disability = Discapacidad
messaging-yes-no-yes = Sí
messaging-yes-no-no = No
messaging-audience-occupation = Ocupación (código o palabras)
messaging-audience-counts = A quiénes llega
messaging-audience-people = Personas que cumplen los filtros
messaging-audience-counts-hint = Por canal: con dirección y consentimiento del canal y de la finalidad de la plantilla elegida. El máximo de mensajes por persona se aplica al enviar: quien lo alcanzó para entonces queda afuera.
messaging-audience-count = Contar destinatarios
messaging-audience-save = Guardar la audiencia
messaging-audience-saved = Audiencia guardada.
messaging-audience-name = Nombre de la audiencia
messaging-audience-use = Usar en una campaña
messaging-audience-office-required = Elegí la oficina de la audiencia.
messaging-audience-office-unknown = Esa oficina no está en tu alcance.
messaging-audience-age-invalid = Escribí una edad entre 0 y 120.
messaging-campaign-variables = Una campaña solo completa {"{"}nombre{"}"}, {"{"}apellido{"}"} y {"{"}oficina{"}"}: elegí una plantilla que no use otras variables.
messaging-campaign-may-not-approve = Tu rol no aprueba campañas.
messaging-campaign-template-changed = La plantilla cambió después del envío a aprobación: devolvela a borrador para que su autor la envíe de nuevo.
messaging-audience-occupation-unknown = No encontramos esa ocupación; escribí su código o su nombre.
messaging-campaign-excluded-why = (sin dirección o consentimiento, o con el máximo de mensajes)

messaging-unsubscribe-title = Dejar de recibir correos
messaging-unsubscribe-ask = ¿Querés dejar de recibir correos del servicio de empleo en { $address }?
messaging-unsubscribe-button = Sí, no quiero recibir más correos
messaging-unsubscribe-note = Podés volver a aceptarlos cuando quieras en tu oficina de empleo.
messaging-unsubscribe-done = Listo: no vas a recibir más correos en { $address }.
messaging-unsubscribe-already = { $address } ya no recibe correos del servicio de empleo.
messaging-campaign-edit = Modificar la campaña
messaging-campaign-not-editable = Solo quien preparó la campaña puede modificarla, y únicamente mientras sea un borrador.
messaging-campaign-not-draft = La campaña ya no es un borrador.
messaging-campaign-audience = Audiencia
messaging-campaign-every-filter = Sin otros filtros.
messaging-campaign-template-since = La plantilla cambió desde que se envió a aprobación.
messaging-sms-replaced = Sin equivalente en GSM-7, se envían como «?»:
messaging-campaign-template-after = La plantilla cambió después de esta campaña: este es su texto de hoy, no el que se envió.
messaging-campaign-estimate = Costo estimado
messaging-campaign-estimate-each = { $n ->
    [one] un segmento por mensaje
   *[other] { $n } segmentos por mensaje
}, con variables de largo típico
messaging-campaign-estimate-plain = se envía sin tildes
messaging-campaign-launch-confirm = ¿Enviar la campaña? Hoy llega a { $n } personas.
messaging-messages-of-campaign = De la campaña
messaging-messages-all = Ver todos los mensajes
