# Atención: la fila de atención en boxes, sus pantallas y el kiosco.

nav-attention-queue = Fila de atención
dashboard-attention-waiting = Personas esperando turno hoy

attention-board-title = Fila de atención
attention-board-intro = Cada oficina con servicios de atención: quiénes esperan ahora, la espera más larga y los boxes abiertos.
attention-board-none = Ninguna oficina a tu alcance tiene servicios de atención configurados todavía.
attention-board-my-counter = Estás atendiendo en { $counter }.
attention-counter-open = Ir al box
attention-office = Oficina
attention-waiting-now = Esperando ahora
attention-longest-wait = Espera más larga
attention-counters-open = Boxes abiertos
attention-minutes = { $n ->
    [one] { $n } minuto
   *[other] { $n } minutos
}

attention-queue-title = Fila de hoy
attention-display-open = Pantalla de llamados
attention-kiosk-open = Kiosco de turnos
attention-setup-title = Servicios y boxes
attention-finished-today = Atendidos hoy
attention-counters = Boxes
attention-counters-none = Esta oficina todavía no tiene boxes.
attention-counter = Box
attention-operator = Quién atiende
attention-current-ticket = Turno actual
attention-inactive = inactivo
attention-active = Activo
attention-waiting-list = Turnos en espera
attention-waiting-none = No hay nadie esperando.
attention-number = Turno
attention-service = Servicio
attention-priority = Prioridad
attention-waited = Esperó
attention-cancel-confirm = ¿Anular el turno { $number }? La persona pierde su lugar en la fila.
attention-issue-title = Dar un turno en recepción
attention-issue = Dar turno e imprimir
attention-choose = Elegí una opción
attention-document = DNI (opcional)
attention-document-hint = Con el DNI, el box abre la ficha de la persona al llamarla.
attention-document-invalid = Escribí solo los números del documento, entre 6 y 11 dígitos.
attention-services-none = Esta oficina todavía no tiene servicios de atención.

attention-priority-regular = Sin prioridad
attention-priority-appointment = Con turno previo
attention-priority-older-adult = Persona mayor
attention-priority-pregnancy = Embarazada
attention-priority-disability = Persona con discapacidad
attention-priority-invalid = Elegí una prioridad de la lista.

attention-status-waiting = Esperando
attention-status-called = Llamado
attention-status-serving = En atención
attention-status-finished = Atendido
attention-status-no-show = No se presentó
attention-status-cancelled = Anulado
attention-status-invalid = Ese estado no existe: usá waiting, called, serving, finished, no_show o cancelled.

attention-setup-intro = Cada servicio tiene una letra que encabeza sus turnos (A-001). Cada box llama a los servicios que le asignes.
attention-services = Servicios
attention-prefix = Letra
attention-prefix-hint = De una a tres letras, sin acentos ni números.
attention-prefix-invalid = Usá de una a tres letras de la A a la Z.
attention-prefix-taken = Otro servicio de esta oficina ya usa esa letra.
attention-service-name = Nombre del servicio
attention-position = Orden en el kiosco
attention-position-hint = Un número de 0 a 999: los más bajos aparecen primero.
attention-position-invalid = Escribí un número entero de 0 a 999.
attention-state = Estado
attention-edit = Modificar
attention-service-new = Nuevo servicio
attention-service-add = Agregar servicio
attention-service-edit = Modificar el servicio
attention-service-active = Se ofrece en el kiosco y en recepción
attention-service-saved = Servicio guardado.
attention-service-unknown = Ese servicio no es de esta oficina o no está activo.
attention-counter-new = Nuevo box
attention-counter-name = Nombre del box
attention-counter-services = Servicios que llama
attention-counter-add = Agregar box
attention-counter-edit = Modificar el box
attention-counter-active = En uso
attention-counter-saved = Box guardado.
attention-counter-needs-service = Elegí al menos un servicio.
attention-too-many = Esta oficina llegó al máximo de 60.
attention-save = Guardar

attention-counter-inactive = Este box no está en uso.
attention-counter-mine = Estás atendiendo en este box.
attention-counter-held-by = Atiende { $name }.
attention-counter-free = Nadie atiende en este box.
attention-sign-in = Atender en este box
attention-sign-out = Dejar el box
attention-signed-out = Dejaste el box.
attention-waiting-for-counter = Esperando para este box
attention-call-next = Llamar al siguiente
attention-finish-and-call = Terminar y llamar al siguiente
attention-nobody-waiting = No hay nadie esperando para los servicios de este box.
attention-counter-idle = No tenés a nadie llamado. Tocá «Llamar al siguiente».
attention-recalls = Vuelto a llamar
attention-person = Persona
attention-person-none = No dejó su DNI.
attention-person-not-found = Su DNI no está en el registro a tu alcance.
attention-person-unknown = Esa persona no está en el registro a tu alcance.
attention-step-start = Empezar la atención
attention-step-recall = Volver a llamar
attention-step-no-show = No se presentó
attention-no-show-confirm = ¿Marcar que { $number } no se presentó?
attention-step-finish = Terminar la atención
attention-step-redirect = Derivar
attention-step-cancel = Anular
attention-redirect-to = Derivar a otro servicio
attention-redirect-hint = Vuelve a la fila de ese servicio en el lugar que tenía.
attention-redirect-same = Elegí un servicio distinto del actual.
attention-step-done = Listo.
attention-step-invalid = No se pudo: elegí una acción válida.
attention-step-not-now = Ese turno ya cambió de estado: la pantalla se actualizó.
attention-topics-invalid = Elegí hasta 10 temas de la lista.

attention-display-title = Llamados
attention-display-sound = Activar sonido
attention-display-connecting = Conectando…
attention-display-online = En vivo
attention-display-offline = Sin conexión: reintentando…
attention-display-now = Llamando ahora
attention-display-waiting = Esperando el primer llamado
attention-display-recent = Últimos llamados
attention-say-ticket = Turno
attention-say-counter = Box

attention-kiosk-title = Sacá tu turno
attention-kiosk-closed = Esta oficina no da turnos por kiosco en este momento.
attention-kiosk-priority = ¿Tenés prioridad?
attention-kiosk-priority-hint = Personas mayores, embarazadas, personas con discapacidad o con turno previo.
attention-kiosk-document = Tu DNI (opcional)
attention-kiosk-document-hint = Así te atienden más rápido.
attention-kiosk-choose = Tocá el trámite que venís a hacer
attention-kiosk-back = Volver al kiosco

attention-ticket-ahead = { $n ->
    [0] Sos el próximo.
    [one] Hay 1 persona antes que vos.
   *[other] Hay { $n } personas antes que vos.
}
attention-ticket-go-to = Te llaman: acercate a { $counter }.
attention-ticket-qr = Código QR para seguir el turno en el celular
attention-ticket-follow = Escaneá el código para seguir tu turno en el celular.
attention-ticket-print = Imprimir

nav-attention-interactions = Consultas
attention-interactions-title = Consultas
attention-interactions-by-status = Consultas por estado
attention-interactions-all = Todas
attention-interactions-none = No hay consultas con estos filtros.
attention-interaction-new = Registrar una consulta
attention-interaction-title = Consulta
attention-interaction-saved = Consulta guardada.
attention-interaction-invalid = No se pudo guardar: revisá el estado y el texto.
attention-interaction-no-person = Sin persona del registro: anotá el teléfono o el correo de contacto. Para asociarla a una persona, registrala desde su ficha.
attention-interaction-change = Cambiar el estado
attention-changed-meanwhile = Otra persona cambió esta consulta mientras tanto: mirá cómo quedó y volvé a intentar.
attention-channel = Canal
attention-all-channels = Todos los canales
attention-only-mine = Solo las asignadas a mí
attention-filter = Filtrar
attention-when = Fecha
attention-topic = Tema
attention-assigned = Asignada a
attention-contact = Teléfono o correo de contacto
attention-contact-hint = Si la persona no está en el registro.
attention-notes = Notas
attention-outcome = Respuesta o resultado
attention-outcome-hint = Qué se respondió o se hizo.
attention-resolved-at = Resuelta
attention-delivered = Temas atendidos
attention-delivered-hint = Cada tema queda registrado como una consulta en mostrador.
attention-channel-phone = Teléfono
attention-channel-email = Correo electrónico
attention-channel-whatsapp = WhatsApp
attention-channel-social = Redes sociales
attention-channel-web = Formulario web
attention-channel-counter = Mostrador
attention-channel-sms = SMS
attention-channel-invalid = Elegí un canal: phone, email, whatsapp, social, web, counter o sms.
attention-direction-in = recibida
attention-direction-out = hecha por la oficina
attention-direction-invalid = La dirección es in (recibida) u out (hecha por la oficina).
attention-istatus-open = Abierta
attention-istatus-waiting-person = Esperando a la persona
attention-istatus-waiting-area = Esperando a otra área
attention-istatus-resolved = Resuelta
attention-istatus-invalid = Elegí un estado: open, waiting_person, waiting_area o resolved.
attention-topic-unknown = Ese tema no existe o ya no se usa.
timeline-attention-interaction = Consulta por { $channel }: { $topic }
attention-no-topic = sin tema

attention-counter-held = Otra persona está atendiendo en este box: para llamar desde acá, primero tomá el box.
attention-screen-stale = La pantalla estaba desactualizada (¿dos clics?): no se llamó a nadie. Mirá el turno actual y volvé a intentar.
attention-counter-busy = Estás entrando a otro box al mismo tiempo: volvé a intentar.
attention-counter-name-taken = Otro box de esta oficina ya tiene ese nombre.
attention-take-over-confirm = { $name } está atendiendo en este box. ¿Tomarlo? Su turno actual queda en este box.
