//! Synthetic people for demos, tests and benchmarks: importable rows with Argentine
//! names and surnames at realistic frequencies (accents, compound surnames, "de la"),
//! valid DNIs and CUILs matching the birth year, ages 16–70, Tucumán's departments in
//! proportion to their population, education levels, phones and e-mails for most rows.

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

use crate::domain::{Cuil, DocumentNumber, DocumentType, Sex};

/// The canonical import header.
pub const HEADER: [&str; 16] = [
    "tipo_documento",
    "numero_documento",
    "cuil",
    "apellidos",
    "nombres",
    "fecha_nacimiento",
    "sexo",
    "telefono",
    "email",
    "provincia_codigo",
    "departamento_codigo",
    "localidad",
    "calle",
    "numero",
    "nivel_educativo",
    "oficina_codigo",
];

// Most frequent surnames in Argentina (RENAPER rankings), with Tucumán's own frequent
// ones; weights fall with rank (Zipf), so González appears far more than Albarracín.
const SURNAMES: &[&str] = &[
    "González",
    "Rodríguez",
    "Gómez",
    "Fernández",
    "López",
    "Díaz",
    "Martínez",
    "Pérez",
    "García",
    "Sánchez",
    "Romero",
    "Sosa",
    "Torres",
    "Álvarez",
    "Ruiz",
    "Ramírez",
    "Flores",
    "Benítez",
    "Acosta",
    "Medina",
    "Herrera",
    "Suárez",
    "Aguirre",
    "Giménez",
    "Gutiérrez",
    "Pereyra",
    "Rojas",
    "Molina",
    "Castro",
    "Ortiz",
    "Silva",
    "Núñez",
    "Luna",
    "Juárez",
    "Cabrera",
    "Ríos",
    "Morales",
    "Godoy",
    "Moreno",
    "Ferreyra",
    "Domínguez",
    "Carrizo",
    "Peralta",
    "Castillo",
    "Ledesma",
    "Quiroga",
    "Vega",
    "Vera",
    "Muñoz",
    "Ojeda",
    "Ponce",
    "Villalba",
    "Cardozo",
    "Navarro",
    "Coronel",
    "Vázquez",
    "Ramos",
    "Vargas",
    "Cáceres",
    "Arias",
    "Figueroa",
    "Córdoba",
    "Correa",
    "Maldonado",
    "Paz",
    "Rivero",
    "Miranda",
    "Mansilla",
    "Farías",
    "Roldán",
    "Méndez",
    "Guzmán",
    "Agüero",
    "Hernández",
    "Lucero",
    "Cruz",
    "Páez",
    "Escobar",
    "Mendoza",
    "Barrios",
    "Bustos",
    "Ávila",
    "Ayala",
    "Blanco",
    "Soria",
    "Maidana",
    "Acuña",
    "Leiva",
    "Duarte",
    "Moyano",
    "Campos",
    "Soto",
    "Lescano",
    "Albarracín",
    "Frías",
    "Terán",
    "Jerez",
    "Nieva",
    "Aráoz",
    "Zelarayán",
    "Villagra",
    "Heredia",
    "Salazar",
    "Costilla",
    "Robles",
    "Palavecino",
    "Gramajo",
    "Brito",
    "Chaile",
    "Tapia",
    "Orellana",
    "Valdez",
    "de la Fuente",
    "del Valle",
    "de los Ríos",
    "de la Vega",
    "del Castillo",
];

const FEMALE: &[&str] = &[
    "María",
    "Ana",
    "Laura",
    "Silvia",
    "Graciela",
    "Patricia",
    "Claudia",
    "Mónica",
    "Susana",
    "Marta",
    "Norma",
    "Rosa",
    "Sandra",
    "Andrea",
    "Verónica",
    "Natalia",
    "Carolina",
    "Gabriela",
    "Romina",
    "Lorena",
    "Valeria",
    "Paola",
    "Daniela",
    "Florencia",
    "Micaela",
    "Agustina",
    "Camila",
    "Sofía",
    "Valentina",
    "Martina",
    "Lucía",
    "Milagros",
    "Belén",
    "Julieta",
    "Rocío",
    "Carla",
    "Jimena",
    "Noelia",
    "Vanesa",
    "Yanina",
    "Soledad",
    "Mariela",
    "Alejandra",
    "Beatriz",
    "Teresa",
    "Elena",
    "Inés",
    "Gladys",
    "Celeste",
    "Luján",
];

const MALE: &[&str] = &[
    "Juan",
    "José",
    "Carlos",
    "Luis",
    "Jorge",
    "Miguel",
    "Daniel",
    "Marcelo",
    "Diego",
    "Sergio",
    "Matías",
    "Lucas",
    "Nicolás",
    "Facundo",
    "Gonzalo",
    "Leandro",
    "Maximiliano",
    "Franco",
    "Santiago",
    "Agustín",
    "Tomás",
    "Joaquín",
    "Benjamín",
    "Thiago",
    "Ramón",
    "Héctor",
    "Raúl",
    "Rubén",
    "Walter",
    "Ariel",
    "Cristian",
    "Pablo",
    "Martín",
    "Alejandro",
    "Fernando",
    "Gustavo",
    "Hugo",
    "Oscar",
    "Roberto",
    "Ricardo",
    "Mario",
    "Alberto",
    "Ezequiel",
    "Emanuel",
    "Mauricio",
    "Ángel",
    "Julio",
    "César",
    "Víctor",
    "Nahuel",
];

/// Tucumán's departments with their 2010 census population (INDEC), the weight of each.
const DEPARTMENTS: &[(&str, &str, u32)] = &[
    ("90007", "Burruyacú", 36_951),
    ("90014", "Banda del Río Salí", 180_499),
    ("90021", "Concepción", 86_052),
    ("90028", "Famaillá", 34_542),
    ("90035", "Graneros", 13_586),
    ("90042", "Juan Bautista Alberdi", 32_226),
    ("90049", "La Cocha", 20_336),
    ("90056", "Bella Vista", 55_416),
    ("90063", "Lules", 68_474),
    ("90070", "Monteros", 63_641),
    ("90077", "Aguilares", 58_228),
    ("90084", "San Miguel de Tucumán", 548_866),
    ("90091", "Simoca", 33_378),
    ("90098", "Tafí del Valle", 15_315),
    ("90105", "Tafí Viejo", 121_638),
    ("90112", "Trancas", 17_685),
    ("90119", "Yerba Buena", 75_866),
];

const STREETS: &[&str] = &[
    "San Martín",
    "Belgrano",
    "Rivadavia",
    "24 de Septiembre",
    "Mendoza",
    "Córdoba",
    "Laprida",
    "Junín",
    "Av. Mate de Luna",
    "Av. Sarmiento",
    "Av. Roca",
    "Av. Aconquija",
    "Lavalle",
    "Maipú",
    "Las Heras",
    "Crisóstomo Álvarez",
    "Congreso",
    "Buenos Aires",
    "Santiago del Estero",
    "Marcos Paz",
];

// ISCED 2011 levels weighted like the working-age population of the NOA.
const EDUCATION: &[(&str, u32)] = &[
    ("1", 22),
    ("2", 18),
    ("3", 35),
    ("4", 3),
    ("5", 10),
    ("6", 11),
    ("7", 1),
];

struct Weighted<'a, T> {
    items: &'a [T],
    cumulative: Vec<f64>,
}

impl<'a, T> Weighted<'a, T> {
    fn new(items: &'a [T], weight: impl Fn(usize, &T) -> f64) -> Self {
        let mut total = 0.0;
        let cumulative = items
            .iter()
            .enumerate()
            .map(|(i, t)| {
                total += weight(i, t);
                total
            })
            .collect();
        Self { items, cumulative }
    }

    fn pick(&self, rng: &mut StdRng) -> &'a T {
        let last = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.random::<f64>() * last;
        let i = self
            .cumulative
            .partition_point(|c| *c < x)
            .min(self.items.len() - 1);
        &self.items[i]
    }
}

/// One synthetic row, in `HEADER` order.
pub type Row = [String; 16];

/// Produces rows one by one; the same seed gives the same rows.
pub struct Generator {
    rng: StdRng,
    used_dnis: HashSet<u32>,
    surnames: Weighted<'static, &'static str>,
    female: Weighted<'static, &'static str>,
    male: Weighted<'static, &'static str>,
    departments: Weighted<'static, (&'static str, &'static str, u32)>,
    education: Weighted<'static, (&'static str, u32)>,
    today: NaiveDate,
}

impl Generator {
    /// A generator with a seed, for a given "today" (ages are 16–70 on that day).
    pub fn new(seed: u64, today: NaiveDate) -> Self {
        let zipf = |i: usize, _: &&str| 1.0 / (i as f64 + 8.0);
        Self {
            rng: StdRng::seed_from_u64(seed),
            used_dnis: HashSet::new(),
            surnames: Weighted::new(SURNAMES, zipf),
            female: Weighted::new(FEMALE, zipf),
            male: Weighted::new(MALE, zipf),
            departments: Weighted::new(DEPARTMENTS, |_, d| f64::from(d.2)),
            education: Weighted::new(EDUCATION, |_, e| f64::from(e.1)),
            today,
        }
    }

    fn dni_for(&mut self, year: i32) -> u32 {
        // DNIs were issued in order: about 12 million for people born in 1956, 48
        // million for those born in 2008; spread around that line, never repeated.
        let center = 12_000_000.0 + f64::from(year - 1956) * 700_000.0;
        loop {
            let n = (center + self.rng.random_range(-900_000.0..900_000.0))
                .clamp(5_000_000.0, 59_999_999.0) as u32;
            if self.used_dnis.insert(n) {
                return n;
            }
        }
    }

    /// The next row.
    pub fn row(&mut self) -> Row {
        let female = self.rng.random_bool(0.51);
        let sex = if female { Sex::F } else { Sex::M };
        let first = *if female {
            self.female.pick(&mut self.rng)
        } else {
            self.male.pick(&mut self.rng)
        };
        let names = if self.rng.random_bool(0.45) {
            let second = *if female {
                self.female.pick(&mut self.rng)
            } else {
                self.male.pick(&mut self.rng)
            };
            if second == first {
                first.to_owned()
            } else {
                format!("{first} {second}")
            }
        } else {
            first.to_owned()
        };
        let surname = *self.surnames.pick(&mut self.rng);
        let surnames = if self.rng.random_bool(0.12) {
            format!("{surname} {}", self.surnames.pick(&mut self.rng))
        } else {
            surname.to_owned()
        };
        let age_days = self.rng.random_range(16 * 365 + 4..70 * 365);
        let birth = self.today - chrono::Duration::days(age_days);
        let dni_n = self.dni_for(birth.year());
        let dni = dni_n.to_string();
        let cuil = DocumentNumber::parse(DocumentType::Dni, &dni)
            .ok()
            .and_then(|d| Cuil::from_dni(&d, sex))
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default();
        let (dep, locality, _) = *self.departments.pick(&mut self.rng);
        let phone = if self.rng.random_bool(0.85) {
            format!(
                "0381 15-{}-{:04}",
                self.rng.random_range(400..700),
                self.rng.random_range(0..10_000)
            )
        } else {
            String::new()
        };
        let email = if self.rng.random_bool(0.6) {
            let user = crate::domain::fold(&format!("{first} {surname}")).replace(' ', ".");
            let domain = ["gmail.com", "hotmail.com", "yahoo.com.ar", "outlook.com"]
                [self.rng.random_range(0..4)];
            format!("{user}{}@{domain}", dni_n % 1000)
        } else {
            String::new()
        };
        let street = STREETS[self.rng.random_range(0..STREETS.len())];
        [
            "DNI".into(),
            dni,
            cuil,
            surnames,
            names,
            birth.to_string(),
            sex.as_str().into(),
            phone,
            email,
            "90".into(),
            dep.into(),
            locality.into(),
            street.into(),
            self.rng.random_range(1..4000).to_string(),
            self.education.pick(&mut self.rng).0.into(),
            String::new(),
        ]
    }
}

/// Writes `count` rows as CSV (UTF-8, canonical header).
pub fn write_csv(
    out: impl std::io::Write,
    count: u64,
    seed: u64,
    today: NaiveDate,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let mut g = Generator::new(seed, today);
    for _ in 0..count {
        w.write_record(g.row())?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{PersonInput, validate};

    #[test]
    fn generated_rows_are_valid_unique_and_repeatable() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut a = Generator::new(7, today);
        let mut b = Generator::new(7, today);
        let mut dnis = HashSet::new();
        let mut with_phone = 0;
        let mut gonzalez = 0;
        for _ in 0..3000 {
            let row = a.row();
            assert_eq!(row, b.row(), "same seed, same rows");
            let input = PersonInput {
                doc_type: row[0].clone(),
                doc_number: row[1].clone(),
                cuil: row[2].clone(),
                surnames: row[3].clone(),
                names: row[4].clone(),
                birth_date: row[5].clone(),
                sex: row[6].clone(),
                phone: row[7].clone(),
                email: row[8].clone(),
                ..Default::default()
            };
            let v = validate(&input, today).unwrap_or_else(|e| panic!("{row:?}: {e}"));
            let age = crate::domain::age(v.birth_date, today);
            assert!((16..=70).contains(&age));
            assert!(dnis.insert(row[1].clone()));
            with_phone += usize::from(!row[7].is_empty());
            gonzalez += usize::from(row[3].starts_with("González"));
        }
        assert!(with_phone > 2300, "most rows have a phone");
        assert!(gonzalez > 60, "frequent surnames are frequent: {gonzalez}");
    }
}
