//! What each demo vacancy asks for beyond its occupation.

/// What a demo vacancy asks beyond its occupation, by the word of its occupation, so
/// rankings separate people who meet it from those who do not: (required skills,
/// desired skills, months of experience, English level, licence class).
pub(super) type Asks = (
    &'static [&'static str],
    &'static [&'static str],
    i32,
    &'static str,
    &'static str,
);

pub(super) fn asks(occupation: &str) -> Asks {
    match occupation {
        "peón agrícola" | "recolector de fruta" => (
            &["cosecha y empaque de cítricos"],
            &["poda y raleo de frutales", "trabajo en equipo"],
            3,
            "",
            "",
        ),
        "operador de maquinaria agrícola" => (
            &["manejo de tractor y maquinaria agrícola"],
            &["riego y fertilización"],
            12,
            "",
            "B1",
        ),
        "electricista" => (
            &["electricidad domiciliaria"],
            &["lectura de planos", "trabajo en altura"],
            24,
            "",
            "",
        ),
        "mecánico de vehículos" => (
            &["mecánica de automotores"],
            &["soldadura eléctrica"],
            24,
            "",
            "B1",
        ),
        "conductor de camión" => (
            &["conducción de vehículos de carga"],
            &["reparto y logística de última milla"],
            12,
            "",
            "C",
        ),
        "empacador" => (
            &["clasificación y embalaje de frutas"],
            &["manejo de autoelevador", "trabajo en equipo"],
            0,
            "",
            "",
        ),
        "albañil" => (
            &["albañilería"],
            &["lectura de planos", "trabajo en altura"],
            12,
            "",
            "",
        ),
        "cajero" => (
            &["manejo de caja y cobranzas", "atención al cliente"],
            &["uso de computadora y ofimática"],
            6,
            "",
            "",
        ),
        "reponedor" => (
            &["reposición y control de stock"],
            &["manejo de autoelevador"],
            0,
            "",
            "",
        ),
        "vendedor" => (
            &["ventas y atención comercial"],
            &["atención al cliente"],
            6,
            "",
            "",
        ),
        "recepcionista" => (
            &[
                "recepción y atención telefónica",
                "uso de computadora y ofimática",
            ],
            &["atención al cliente"],
            6,
            "B1",
            "",
        ),
        "camarero" => (
            &["atención al cliente"],
            &["cocina y manipulación de alimentos"],
            6,
            "A2",
            "",
        ),
        "cocinero" => (
            &["cocina y manipulación de alimentos"],
            &["panadería y pastelería"],
            12,
            "",
            "",
        ),
        "enfermero" => (
            &["primeros auxilios"],
            &["cuidado de personas mayores"],
            12,
            "",
            "",
        ),
        "empleado doméstico" => (&["limpieza y mantenimiento de edificios"], &[], 0, "", ""),
        "guardia de seguridad" => (
            &["vigilancia y seguridad"],
            &["primeros auxilios"],
            6,
            "",
            "",
        ),
        _ => (&[], &["trabajo en equipo"], 0, "", ""),
    }
}
