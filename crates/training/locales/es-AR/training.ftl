# Formación Profesional y Aula Virtual.
nav-cohorts = Comisiones
nav-courses = Cursos
nav-institutions = Instituciones
nav-certificates = Certificados
dashboard-cohorts-enrolling = Comisiones con inscripción abierta

timeline-training-enrolled = Inscripción en { $course } (comisión { $cohort })
timeline-training-waitlisted = En lista de espera de { $course } (comisión { $cohort })
timeline-training-promoted = Obtuvo vacante en { $course } (comisión { $cohort }) desde la lista de espera
timeline-training-withdrawn = Baja de { $course } (comisión { $cohort }): { $reason }
timeline-training-completed = Completó { $course } (comisión { $cohort })
timeline-training-not_completed = No completó { $course } (comisión { $cohort })
timeline-training-certified = Certificado de { $course } emitido, código { $code }
timeline-training-revoked = Certificado de { $course } revocado, código { $code }

training-saved = Los datos se guardaron.
training-edit = Modificar datos
training-data = Datos
training-filter-text = Nombre o CUIT

institutions-title = Instituciones de formación
institution-new = Nueva institución
institution-name = Institución
institution-cuit = CUIT
institution-kind = Tipo
institution-kind-centre = Centro de formación profesional
institution-kind-school = Escuela
institution-kind-university = Universidad
institution-kind-union = Sindicato
institution-kind-ngo = Organización social
institution-kind-company = Empresa
institution-kind-secretariat = Secretaría de Empleo
institution-accreditation = N.º de acreditación
institution-accredited-until = Acreditada hasta
institution-address = Domicilio
institution-contact = Contacto
institution-cuit-malformed = El CUIT tiene 11 dígitos, por ejemplo 30-71234567-1.
institution-cuit-prefix = Un CUIT empieza con 20, 23, 24, 27, 30, 33 o 34.
institution-cuit-check-digit = El dígito verificador no coincide: revisá el número.
institution-cuit-taken = Ya hay una institución con ese CUIT.

courses-title = Cursos
course-new = Nuevo curso
course-name = Curso
course-family = Familia ocupacional
course-family-hint = Por ejemplo: construcción, gastronomía, cuidados.
course-occupation = Ocupación a la que apunta
course-occupation-hint = Escribí y elegí de la lista.
course-occupation-unknown = No encontramos esa ocupación: elegila de la lista.
course-skills = Competencias que enseña
course-skills-hint = Una por renglón, tal como figuran en el vocabulario de competencias.
course-skill-unknown = Alguna competencia no está en el vocabulario: revisala o pedí que la agreguen.
course-skills-too-many = Son demasiadas competencias: hasta 30.
course-hours = Horas
course-modality = Modalidad
modality-in_person = Presencial
modality-virtual = Virtual
modality-blended = Semipresencial
course-requirements = Requisitos
course-min-age = Edad mínima
course-min-age-n = Desde { $age } años
course-no-age = Sin edad mínima
course-min-education = Nivel educativo mínimo
course-no-education = Sin mínimo
course-other-requirements = Otros requisitos
course-certification = Certificación
certification-attendance = De asistencia
certification-approval = De aprobación
certification-competency = De competencias
course-completion = Para completarlo
course-completion-rule = Asistencia de al menos { $percent } %
course-min-attendance = Asistencia mínima (%)
course-requires-pass = Aprobar la evaluación

cohorts-title = Comisiones
cohorts-none = Todavía no hay comisiones.
cohort-new = Nueva comisión
cohort-code = Comisión
cohort-dates = Fechas
cohort-office = Oficina a cargo
cohort-starts-on = Inicio
cohort-ends-on = Fin
cohort-weekdays = Días de cursada
cohort-start-time = Hora de inicio
cohort-end-time = Hora de fin
cohort-schedule = Horario
cohort-sessions-n = { $count ->
    [one] 1 clase
   *[other] { $count } clases
}
cohort-place = Lugar
place-office = Oficina de empleo
place-institution = Sede de la institución
place-virtual = Aula Virtual
cohort-place-detail = Aula o detalle del lugar
cohort-capacity = Vacantes
cohort-instructor = Docente
cohort-moodle = Curso en el Aula Virtual (id de Moodle)
cohort-moodle-hint = Solo para comisiones virtuales.
cohort-state-planned = Planificada
cohort-state-enrolling = Inscripción abierta
cohort-state-running = En curso
cohort-state-finished = Finalizada
cohort-state-cancelled = Cancelada
cohort-move = Cambiar estado
cohort-new-state = Nuevo estado
cohort-note = Observación
cohort-history = Historial
cohort-weekdays-invalid = Marcá al menos un día de cursada.
cohort-time-invalid = Escribí la hora como hh:mm, por ejemplo 18:30.
cohort-time-order = La hora de fin tiene que ser posterior a la de inicio.
cohort-no-sessions = Entre esas fechas no cae ningún día de cursada.
cohort-too-many-sessions = Son demasiadas clases (más de 520): revisá las fechas.
cohort-state-invalid = La comisión ya no está en un estado que permita ese cambio.
cohort-state-changed = Se cambió el estado de la comisión.
weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo

enrol-title = Inscribir
enrol-document = Documento de la persona
enrol-document-hint = Sin puntos. La persona tiene que estar registrada.
enrol-submit = Inscribir
enrol-done = La persona quedó inscripta.
enrol-waitlisted = No hay vacantes: la persona quedó en lista de espera.
enrol-ineligible = La persona no cumple los requisitos del curso.
enrol-cohort-closed = La comisión ya no toma inscripciones.
enrol-already = La persona ya está inscripta o en lista de espera en esta comisión.
enrol-not-active = Esa inscripción ya no está vigente.
enrol-document-invalid = Escribí el número de documento, sin puntos.
enrol-person-not-found = No hay una persona registrada con ese documento en tu alcance.
enrol-document-ambiguous = Hay más de una persona con ese número: inscribila desde su ficha.
enrolment-state-enrolled = Con vacante
enrolment-state-waitlisted = En lista de espera
enrolment-state-withdrawn = De baja
enrolment-state-completed = Completó
enrolment-state-not_completed = No completó
eligibility-age = Edad al inicio del curso: { $actual } años; el curso pide desde { $required }.
eligibility-education = Nivel educativo: tiene «{ $actual }» y el curso pide al menos «{ $required }».
eligibility-certified = Ya tiene un certificado vigente de este curso.
eligibility-in-cohort = Ya está inscripta o esperando en otra comisión de este curso.
eligibility-unknown = sin dato

roster-title = Inscriptos
roster-partial = Ves solo a las personas de tu oficina.
roster-none = Todavía no hay personas inscriptas.
roster-person = Persona
roster-document = Documento
roster-attendance = Asistencia
roster-grade = Nota
roster-actions = Acciones
withdrawal-reason = Motivo de la baja
withdrawal-submit = Dar de baja
withdrawal-done = Se registró la baja.
withdrawal-reason-required = Elegí el motivo de la baja.
withdrawal-employment = Consiguió trabajo
withdrawal-schedule = Horario o distancia
withdrawal-health = Salud o cuidados
withdrawal-interest = Perdió interés
withdrawal-error = Inscripción por error
withdrawal-other = Otro motivo
withdrawal-cancelled = Comisión cancelada
withdrawal-no_place = No obtuvo vacante

sessions-title = Clases
attendance-title = Asistencia
attendance-prev = Clase anterior
attendance-next = Clase siguiente
attendance-present = Presente
attendance-absent = Ausente
attendance-justified = Justificada
attendance-save = Guardar asistencia
attendance-saved = Se guardó la asistencia.
attendance-not-running = La asistencia y las notas se cargan mientras la comisión está en curso.
attendance-too-many = Son demasiadas filas en un solo envío.
attendance-not-enrolled = Alguna persona ya no está inscripta en la comisión: recargá la página.
outcomes-title = Evaluación
outcomes-saved = Se guardaron las evaluaciones.
outcome-result = Resultado
outcome-by-grade = Según la nota (4 o más aprueba)
outcome-passed = Aprobó
outcome-failed = No aprobó
outcome-grade-invalid = La nota va de 0 a 10, con un decimal como mucho.

certificates-title = Certificados
certificate-code = Código de verificación
certificate-issued-on = Emitido el
certificate-status-valid = Válido
certificate-status-revoked = Revocado
certificate-revoke = Revocar
certificate-revoke-reason = Motivo de la revocación
certificate-revoked = El certificado quedó revocado.
certificate-already-revoked = El certificado ya estaba revocado.
certificate-revoked-no-print = El certificado está revocado: no se vuelve a imprimir.
certificate-reason-required = Escribí el motivo de la revocación.

person-training-title = Formación
person-training-enrol = Inscribir en un curso
person-training-none = No tiene inscripciones en cursos.
offers-teaching = Cursos que enseñan
offers-all = Ver todos los cursos abiertos
offers-none = No hay comisiones con inscripción abierta.
offers-places-left = { $count ->
    [one] Queda 1 vacante
   *[other] Quedan { $count } vacantes
}
offers-waiting-list = Sin vacantes: se inscribe en lista de espera
offers-already = Ya está inscripta o en lista de espera.
offers-enrol-waiting = Anotar en lista de espera
offers-not-eligible = No cumple los requisitos:

verify-title = Verificación de certificados
verify-valid = Certificado válido
verify-revoked = Certificado revocado
verify-revoked-on = el
verify-holder = Titular
verify-unknown = No existe un certificado con ese código. Revisá que esté bien escrito.
verify-code-hint = Está impreso en el certificado, junto al código QR.
verify-submit = Verificar

certificate-pdf-issuer = Secretaría de Empleo
certificate-pdf-title-attendance = Certificado de asistencia
certificate-pdf-title-approval = Certificado de aprobación
certificate-pdf-title-competency = Certificado de competencias
certificate-pdf-certifies = Se certifica que
certificate-pdf-document-dni = DNI { $document }
certificate-pdf-document-py_ci = Cédula paraguaya { $document }
certificate-pdf-document-passport = Pasaporte { $document }
certificate-pdf-document-other = Documento { $document }
certificate-pdf-verb-attendance = asistió al curso
certificate-pdf-verb-approval = aprobó el curso
certificate-pdf-verb-competency = demostró las competencias del curso
certificate-pdf-dates = de { $hours } horas, dictado del { $from } al { $to }.
certificate-pdf-issued = Emitido el { $date }.
certificate-pdf-verify = Verificá este certificado en:
certificate-pdf-code = Código: { $code }
certificate-pdf-signature = Firma y sello de la institución
certificate-pdf = PDF
certificate-credential = Credencial digital (.jwt)
certificates-pdf-all = Imprimir todos (PDF)
certificates-zip = Un PDF por persona (ZIP)
cohort-not-over = La comisión termina después de hoy: se finaliza desde su último día (si terminó antes, corregí la fecha de fin o cancelala).
attendance-future = Esa clase todavía no se dictó: la asistencia se toma el día de la clase o después.
course-filter-text = Nombre o familia
withdrawal-done-promoted = Se registró la baja y la vacante pasó a la primera persona de la lista de espera: avisale.
roster-attendance-so-far = { $percent } % hasta hoy

## Bulk enrolment
bulk-title = Inscripción masiva
bulk-link = Inscribir una lista de documentos
bulk-intro = Pegá los documentos (uno por línea) o subí un CSV cuya primera columna sea el documento. Antes de inscribir vas a ver quién cumple los requisitos y quién no, y por qué.
bulk-documents = Documentos
bulk-documents-hint = Uno por línea; se aceptan puntos. Una primera línea de encabezado se ignora.
bulk-file = Archivo CSV
bulk-file-hint = Opcional; hasta 1 MB y 20.000 documentos en total.
bulk-check = Revisar la lista
bulk-summary = Con esta lista: { $places ->
    [one] 1 persona obtiene vacante
   *[other] { $places } personas obtienen vacante
}, { $waiting ->
    [one] 1 queda en lista de espera
   *[other] { $waiting } quedan en lista de espera
} y { $refused ->
    [one] 1 no se inscribe
   *[other] { $refused } no se inscriben
}. Todavía no cambió nada.
bulk-done = Listo: { $places ->
    [one] 1 persona inscripta con vacante
   *[other] { $places } personas inscriptas con vacante
}, { $waiting ->
    [one] 1 en lista de espera
   *[other] { $waiting } en lista de espera
} y { $refused ->
    [one] 1 sin inscribir
   *[other] { $refused } sin inscribir
}.
bulk-confirm = { $count ->
    [one] Inscribir a 1 persona
   *[other] Inscribir a { $count } personas
}
bulk-again = Revisar otra lista
bulk-refused = No se inscriben
bulk-accepted = Se inscriben
bulk-why = Motivo
bulk-shown = Se muestran hasta 300 filas de cada grupo; los totales incluyen a todas.
bulk-place = Con vacante
bulk-waiting = En lista de espera
bulk-invalid = No es un número de documento
bulk-not-found = No está registrada en tu alcance
bulk-ambiguous = Dos personas tienen ese número: inscribila desde su ficha
bulk-repeated = Repetida en la lista
bulk-already = Ya está inscripta en esta comisión
bulk-ineligible = No cumple los requisitos
bulk-too-many = La lista tiene más de 20.000 documentos: dividila en partes.
bulk-empty = La lista no tiene documentos.
bulk-too-large = La lista supera 1 MB: dividila en partes.
bulk-bad-upload = No se pudo leer el archivo; volvé a subirlo.
cohort-institution-not-yours = Elegí tu institución: solo podés abrir comisiones de la institución en la que trabajás.
## Aula Virtual (Moodle)
moodle-title = Aula Virtual (Moodle)
moodle-link = Sincronización con el Aula Virtual
moodle-course = Curso en Moodle
moodle-no-course = Sin curso de Moodle: no se sincroniza
moodle-last-run = Última sincronización
moodle-never = Todavía no se sincronizó
moodle-run-counts = { $pushed } cambios enviados, { $pulled } resultados recibidos
moodle-run-failed = { $count ->
    [one] 1 con error (se reintenta)
   *[other] { $count } con error (se reintentan)
}
moodle-sync-now = Sincronizar ahora
moodle-in-moodle = En Moodle
moodle-outcome = Resultado en Moodle
moodle-problem = Problema
moodle-pending = Pendiente
moodle-pushed-enrolled = Matriculada
moodle-pushed-unenrolled = Dada de baja
moodle-completed = Completó el curso
moodle-in-progress = En curso
moodle-retry-at = próximo intento: { $time }
moodle-no-email = La persona no tiene correo electrónico y Moodle lo necesita para crear el usuario: cargalo en su ficha.
moodle-not-configured = No hay un Moodle configurado (moodle_url): no se sincroniza.
moodle-synced = Sincronizado con Moodle.
moodle-sync-failed = La sincronización con Moodle tuvo errores: revisá la columna «Problema»; se reintenta sola.
## Indicators
nav-training-indicators = Indicadores de formación
tind-title = Indicadores de formación
tind-by = Agrupar por
tind-by-office = Oficina
tind-by-institution = Institución
tind-by-course = Curso
tind-hint = Comisiones que empiezan en el período, dentro de su alcance. «Empleadas a 6 meses»: quienes completaron y empezaron un trabajo (colocación) dentro de los 6 meses posteriores al último día de la comisión.
tind-none = No hay comisiones que empiecen en el período.
tind-caption = Inscripción, cursada, egreso e inserción laboral por grupo
tind-enrolled = Inscriptas
tind-attending = Cursando
tind-completed = Completaron
tind-certified = Certificadas
tind-dropped = Abandonaron
tind-dropout = Tasa de abandono
tind-attendance = Asistencia promedio
tind-employed = Empleadas a 6 meses
tind-employment-rate = Inserción a 6 meses
tind-chart-funnel = De la inscripción al empleo (total)
tind-chart-completed = Quienes completaron, por grupo
bulk-not-text = El archivo no es una lista de texto (CSV): exportá la planilla como CSV y volvé a subirla.
bulk-enrolled = Inscriptas
bulk-not-enrolled = No inscriptas
moodle-user = usuario { $id } de Moodle
moodle-edit-person = Editar la ficha
cohort-choose-state = Elegí el nuevo estado
roster-none-yours = Ninguna de las personas inscriptas es de tu oficina.

## Competency standards, evaluators and assessment
nav-standards = Normas de competencia
standards-title = Normas de competencia
standards-intro = Normas de competencia laboral: sus unidades, los criterios de desempeño y quiénes están acreditados para evaluarlas.
standard-new = Nueva norma
standard-filter-text = Código o título
standards-none = Todavía no hay normas cargadas.
standard-code = Código
standard-code-hint = Letras, números, guiones, puntos o barras; por ejemplo NCL-0123.
standard-code-invalid = Usá solo letras, números, guiones, puntos o barras.
standard-code-taken = Ya hay una norma con ese código.
standard-title = Título
standard-occupation = Ocupación que certifica
standard-units = Unidades de competencia
standard-units-hint = Cada unidad lleva código, título y sus criterios de desempeño, uno por renglón. Dejá en blanco las filas que no uses.
standard-unit-code = Código de la unidad
standard-unit-title = Título de la unidad
standard-unit-criteria = Criterios de desempeño
standard-unit-criteria-hint = Uno por renglón.
standard-units-required = Cargá al menos una unidad de competencia.
standard-units-too-many = Son demasiadas unidades: hasta 20.
standard-unit-code-repeated = Ese código de unidad ya está en otra fila.
standard-unit-title-required = Falta el título de esta unidad.
standard-unit-criteria-required = Esta unidad necesita al menos un criterio de desempeño.
standard-unit-criteria-too-many = Son demasiados criterios: hasta 30 por unidad.
standard-unit-criterion-too-long = Algún criterio es demasiado largo: hasta 500 caracteres cada uno.
standard-unit-assessed = No se puede quitar una unidad con la que ya se evaluó a alguien.
training-active = Vigente
training-inactive = Dada de baja
evaluators-title = Evaluadores acreditados
evaluators-none = Nadie está acreditado todavía para evaluar esta norma.
evaluator-name = Evaluador
evaluator-number = N.º de acreditación
evaluator-valid-until = Vigente hasta
evaluator-expired = vencida
evaluator-no-end = Sin vencimiento
evaluator-add = Acreditar evaluador
evaluator-username = Usuario
evaluator-username-hint = El nombre de usuario con el que ingresa a sipe.
evaluator-user-unknown = No hay ningún usuario con ese nombre.
evaluator-user-cannot-assess = Ese usuario no está activo o su rol no registra formación.
evaluator-accredited = Evaluador acreditado.
evaluator-withdraw = Quitar
evaluator-withdraw-confirm = ¿Quitar la acreditación? Las evaluaciones que registró se conservan.
evaluator-withdrawn = Acreditación quitada.
course-standard = Norma de competencia
course-no-standard = Sin norma
course-standard-hint = Si certifica competencias según una norma, se aprueba evaluando unidad por unidad.
assessment-title = Evaluación de competencias
assessment-against = Se evalúa según la norma { $standard }.
assessment-verdict = Resultado
assessment-competent = Competente
assessment-not-yet = Aún no competente
assessment-pending = Sin evaluar
assessment-result = Resultado de la unidad
assessment-observations = Observaciones
assessment-recorded-by = Registró { $name }
assessment-saved = Evaluación guardada.
assessment-read-only = Podés ver la evaluación; la registran los evaluadores acreditados en la norma que trabajan en la oficina o la institución de la comisión.
assessment-not-running = La evaluación se registra mientras la comisión está en curso.
assessment-not-evaluator = Para registrar resultados tenés que estar acreditado como evaluador de esta norma, con la acreditación vigente.
assessment-unit-unknown = Esa unidad no es de la norma.
assessment-observations-too-long = Las observaciones son demasiado largas: hasta 2000 caracteres.
assessment-changed = La evaluación cambió mientras la tenías abierta (en otra pestaña o por otra persona): estos son los resultados de ahora, con lo que escribiste; revisalos y volvé a guardar.
course-standard-needs-competency = Una norma de competencia solo se asocia a un curso que certifica competencias.
outcomes-by-assessment = En esta comisión el resultado sale de la evaluación por unidades de competencia.
unit-result-competent = Competente
unit-result-not_yet_competent = Aún no competente
evidence-title = Evidencias
evidence-none = Todavía no se cargaron evidencias.
evidence-file = Archivo
evidence-file-hint = PDF, JPG, PNG, WebP o texto; hasta 20 MB.
evidence-unit = Unidad a la que corresponde
evidence-all-units = A toda la evaluación
evidence-upload = Subir evidencia
evidence-saved = Evidencia guardada.
evidence-empty = Elegí un archivo.
evidence-too-large = El archivo es demasiado grande: hasta 20 MB.
evidence-type-unsupported = Ese tipo de archivo no se acepta: subí un PDF, una foto (JPG, PNG, WebP) o un texto.
evidence-too-many = Esta evaluación ya tiene 50 evidencias.
evidence-bad-upload = El archivo no llegó completo: probá de nuevo.

## Training paths
nav-paths = Trayectos formativos
paths-title = Trayectos formativos
paths-intro = Cursos en orden: el trayecto se completa cuando se completan todos sus cursos.
path-new = Nuevo trayecto
path-filter-text = Nombre
paths-none = Todavía no hay trayectos.
path-name = Trayecto
path-description = Descripción
path-standard = Norma a la que conduce
path-no-standard = Ninguna
path-completed-by = Lo completaron
path-in-progress = En curso
path-people = { $count ->
    [one] 1 persona
   *[other] { $count } personas
}
path-courses = Cursos, en orden
path-courses-hint = Elegí de 2 a 12 cursos en el orden en que se cursan.
path-step = Curso { $n }
path-hours = { $hours } h
path-courses-too-few = Un trayecto tiene al menos 2 cursos.
path-courses-too-many = Son demasiados cursos: hasta 12.
path-course-repeated = Un curso está más de una vez.
path-done = Completado
path-inactive = Dado de baja
path-progress = { $done } de { $total } cursos
path-step-completed = completado
path-step-enrolled = cursando
path-step-waitlisted = en lista de espera
path-step-not_completed = no completado
path-step-pending = pendiente
timeline-training-path_completed = Completó el trayecto { $path }

bulk-from-search = Desde una búsqueda guardada
bulk-saved-search = Búsqueda guardada
bulk-no-searches = También podés inscribir a las personas de una búsqueda guardada: buscá y filtrá en Personas y guardá la búsqueda.
bulk-go-persons = Ir a Personas
bulk-search-unknown = Esa búsqueda guardada no existe o no es tuya.
bulk-search-empty = La búsqueda no encuentra a nadie dentro de tus oficinas.
bulk-search-too-many = La búsqueda encuentra a más de 20.000 personas: agregale filtros.
bulk-search-invalid = La búsqueda guardada ya no es válida: volvé a armarla en Personas.
bulk-search-or-documents = Mandá una lista de documentos o una búsqueda guardada, no las dos.
cohort-move-confirm = Finalizar aplica la regla de aprobación y emite los certificados; cancelar da de baja a todas las personas inscriptas. No se puede deshacer. ¿Seguís?
standard-unit-n = Unidad { $n }
assessment-in-progress = En evaluación
evidence-file-empty = El archivo está vacío: elegí otro.
path-name-taken = Ya hay un trayecto con ese nombre.
evaluator-expired-date = Esa fecha ya pasó: la acreditación estaría vencida.
evaluator-renew-hint = Si la persona ya está acreditada, se actualizan el número y la fecha.
training-audience-enrolled = Inscriptos en la comisión
