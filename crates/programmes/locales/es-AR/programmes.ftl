## Programas de empleo
programmes-person-title = Programas de empleo
bank-account-title = Cuenta bancaria para cobrar
bank-account-none = No tiene cuenta bancaria registrada.
bank-account-bank = Banco (código)
bank-account-alias = Alias
bank-account-recorded = Registrada por
bank-account-cbu-hint = Los 22 números, como figuran en el home banking o el cajero.
bank-account-alias-hint = O el alias: de 6 a 20 letras, números, puntos o guiones.
bank-account-save = Guardar cuenta
bank-account-saved = Cuenta bancaria guardada.
bank-account-required = Escribí el CBU o el alias.
bank-account-one-only = Escribí el CBU o el alias, no los dos.
cbu-length = El CBU lleva 22 dígitos, sin letras.
cbu-first-check = El CBU no es válido: revisá los primeros 8 números (banco y sucursal).
cbu-second-check = El CBU no es válido: revisá los últimos 14 números (la cuenta).
alias-length = El alias tiene de 6 a 20 caracteres.
alias-characters = El alias lleva solo letras sin acentos ni ñ, números, puntos o guiones.
timeline-programmes-bank_account = Cuenta bancaria para cobrar: { $account }

## Programas
nav-programmes = Programas
programmes-title = Programas de empleo
programmes-none = Todavía no hay programas.
programme-new = Nuevo programa
programme-filter-text = Código o nombre
programme-code = Código
programme-code-hint = De 2 a 6 letras mayúsculas: encabeza los números de aprobación (PEJ-2026-000123).
programme-code-invalid = El código lleva de 2 a 6 letras mayúsculas, sin números ni acentos.
programme-code-taken = Ya hay un programa con ese código.
programme-name = Programa
programme-kind = Tipo
programme-kind-training_stipend = Beca de capacitación
programme-kind-work_placement = Entrenamiento para el trabajo
programme-kind-wage_subsidy = Subsidio al salario
programme-kind-one_off = Prestación por única vez
programme-kind-in_kind = Prestación en especie
programme-legal-basis = Norma que lo crea
programme-legal-basis-hint = Por ejemplo: Resolución 123/2026.
programme-legal-date = Fecha de la norma
programme-period = Vigencia
programme-starts = Desde
programme-ends = Hasta
programme-no-end = sin fecha de fin
programme-ends-before = El fin no puede ser anterior al inicio.
programme-max-months = Duración máxima
programme-months = { $n ->
    [one] 1 mes
   *[other] { $n } meses
}
programme-quota-total = Cupo total
programme-no-quota = Sin cupo
programme-funding = Fuente de financiamiento
programme-documents = Documentación requerida
programme-documents-hint = Un documento por renglón.
programme-active = Vigente
programme-closed = Cerrado
programme-edit = Modificar
programme-data = Datos del programa
programme-saved = Programa guardado.
programme-amounts = Montos mensuales
programme-amounts-hint = Cada monto rige desde su fecha hasta que lo reemplace otro de la misma categoría: así los meses anteriores conservan el suyo.
programme-amount-n = Monto { $n }
programme-amount-category = Categoría
programme-amount = Monto ($)
programme-amount-from = Rige desde
programme-amounts-required = Cargá al menos un monto con su fecha.
programme-amounts-too-many = Son demasiados montos: hasta 12.
programme-amount-invalid = El monto no es válido: escribilo como 85.000 o 85.000,50.
programme-amount-date-invalid = Falta la fecha desde la que rige, o no es válida.
programme-amount-repeated = Ya hay un monto de esa categoría desde esa fecha.
programme-amount-in-force = Un monto que ya rige no se cambia ni se borra: agregá otro desde una fecha posterior.
programme-amount-in-past = Un monto nuevo rige desde mañana o más adelante: los meses que ya pasaron conservan el suyo.

## Rules: criteria, office quotas, incompatibilities
programme-rules = Reglas del programa
programme-rules-edit = Editar reglas
programme-rules-saved = Reglas guardadas.
programme-criteria = Criterios de elegibilidad
programme-criteria-hint = Marcá los criterios que aplican: una persona es elegible cuando cumple todos los marcados.
programme-criteria-none = Sin criterios: cualquier persona inscripta es elegible.
criterion-apply = Aplicar este criterio
criterion-kind-age = Edad
criterion-kind-residence = Domicilio
criterion-kind-employment = Situación laboral
criterion-kind-education = Nivel educativo
criterion-kind-household = Hogar
criterion-kind-disability = Discapacidad
criterion-kind-registered = Antigüedad en sipe
criterion-age-min = Edad mínima
criterion-age-max = Edad máxima
criterion-age-on = Edad cumplida al
criterion-age-on-hint = Vacío: la edad del día en que se evalúa.
criterion-province = Provincia
criterion-departments = Departamentos
criterion-departments-hint = Ninguno marcado: toda la provincia.
criterion-departments-later = Guardá la provincia para elegir sus departamentos; sin departamentos vale toda la provincia.
criterion-statuses = Situaciones admitidas
criterion-months-unemployed = Meses de desocupación, como mínimo
criterion-months-unemployed-hint = Opcional; solo para personas desocupadas.
criterion-education-max = Nivel educativo máximo
criterion-dependants = Personas a cargo, como mínimo
criterion-head = Jefa o jefe de hogar
criterion-disability-apply = Solo personas con discapacidad
criterion-registered-days = Días desde la inscripción, como mínimo
criterion-status-employed = ocupada/o
criterion-status-unemployed = desocupada/o
criterion-status-inactive = inactiva/o
criterion-repeated = Cada criterio se carga una sola vez.
criterion-age-range = La edad máxima no puede ser menor que la mínima.
criterion-statuses-required = Marcá al menos una situación laboral.
criterion-months-need-unemployed = Los meses de desocupación piden admitir a personas desocupadas.
criterion-household-empty = Indicá personas a cargo o marcá jefa o jefe de hogar.
criterion-department-not-in-province = Algún departamento no es de la provincia elegida.
programme-office-quotas = Cupos por oficina
programme-office-quotas-hint = Vacío: la oficina solo tiene el límite del cupo total.
programme-quota-total-is = Cupo total del programa: { $n }.
programme-quota = Cupo
programme-quota-invalid = Algún cupo no es un número entero.
programme-quota-office-repeated = Una oficina figura dos veces.
programme-quota-office-unknown = Alguna oficina no existe.
programme-quotas-over-total = La suma de los cupos por oficina supera el cupo total.
programme-incompatible = Programas incompatibles
programme-incompatible-none = No hay otros programas cargados.
programme-incompatible-with = Incompatible con
programme-incompatible-hint = Nadie puede estar a la vez en este programa y en uno marcado; vale en los dos sentidos.
programme-incompatible-self = Un programa no es incompatible consigo mismo.
programme-incompatible-unknown = Algún programa marcado no existe.
programme-col-office = Oficina
programme-col-name = Apellido y nombre
programme-col-document = Documento

## Eligibility explained
criterion-yes = sí
criterion-no = no
criterion-unknown = sin dato
criterion-age-value = edad { $age }
criterion-age-rule = entre { $min } y { $max } años
criterion-age-rule-on = entre { $min } y { $max } años al { $day }
criterion-residence-value = reside en { $place }
criterion-residence-rule = domicilio en { $place }
criterion-unemployed-months = desocupada/o hace { $n ->
    [one] 1 mes
   *[other] { $n } meses
}
criterion-employment-rule = situación: { $statuses }
criterion-employment-rule-months = situación: { $statuses }, con al menos { $n ->
    [one] 1 mes
   *[other] { $n } meses
} de desocupación
criterion-education-rule = nivel educativo hasta { $level }
criterion-household-value = { $n } a cargo, jefa/e de hogar: { $head }
criterion-household-rule-dependants = al menos { $n } a cargo
criterion-household-rule-head = jefa/e de hogar
criterion-disability-yes = con discapacidad
criterion-disability-no = sin discapacidad
criterion-disability-rule = con discapacidad
criterion-registered-value = inscripta/o hace { $n ->
    [one] 1 día
   *[other] { $n } días
}
criterion-registered-rule = al menos { $n } días inscripta/o
criterion-sentence-met = { $value } — { $rule }: cumple
criterion-sentence-unmet = { $value } — { $rule }: no cumple
programme-eligible = Personas elegibles
programme-no-criteria = El programa no tiene criterios: se cuentan todas las personas inscriptas.
programme-eligible-per-office = Elegibles en todo el registro
programme-eligible-total = { $n } personas elegibles en total.
programme-eligible-count = Elegibles
programme-eligible-in-scope = Elegibles a tu alcance
programme-eligible-none = Nadie a tu alcance cumple los criterios.
programme-eligibility = Elegibilidad
programme-eligible-yes = Cumple todos los criterios
programme-eligible-no = No cumple todos los criterios
programme-eligibility-none = No hay programas vigentes.
programme-eligible-elsewhere = Otras oficinas
