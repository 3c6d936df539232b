//! Tests of the people index.

use super::*;

fn doc(name: &str, office: Uuid) -> PersonDoc {
    PersonDoc {
        id: Uuid::now_v7(),
        office_id: office,
        name: name.into(),
        sex: "M".into(),
        active: true,
        birth_days: 726_000,
        department: None,
        education: None,
        employment: None,
        disability: false,
        occupations: Vec::new(),
        extra: Vec::new(),
    }
}

#[test]
fn names_match_in_any_order_without_accents_and_with_a_typo() {
    let index = PersonIndex::in_memory(Vec::new()).unwrap();
    let office = Uuid::now_v7();
    let juan = doc("González Juan", office);
    index
        .upsert(&[juan.clone(), doc("Pérez María", office)], Some("w1"))
        .unwrap();
    for q in [
        "gonzalez juan",
        "juan gonzález",
        "gonzales juan",
        "JUAN GONSALEZ",
    ] {
        let (ids, total) = index.search(q, &Filters::default(), 0, 10).unwrap();
        assert_eq!((ids.first(), total), (Some(&juan.id), 1), "{q}");
    }
    assert_eq!(index.watermark().as_deref(), Some("w1"));
}

#[test]
fn the_word_being_typed_matches_the_beginning_of_a_name_and_keeps_its_typos() {
    let index = PersonIndex::in_memory(Vec::new()).unwrap();
    let office = Uuid::now_v7();
    let zoilo = doc("Anzoátegui Zoilo", office);
    let typo = doc("Anzoategi Zoilo", office);
    let lucia = doc("Villagra Lucía", office);
    index
        .upsert(&[zoilo.clone(), typo.clone(), lucia.clone()], None)
        .unwrap();
    let found = |q: &str| index.search(q, &Filters::default(), 0, 10).unwrap().0;
    assert_eq!(found("villag"), [lucia.id]);
    assert_eq!(found("lucia vill"), [lucia.id]);
    // A last word that some name has is still matched within its edits.
    let both = found("zoilo anzoategi");
    assert!(
        both.contains(&zoilo.id) && both.contains(&typo.id),
        "{both:?}"
    );
    assert!(found("zoilo anzo").len() == 2);
    assert!(
        found("xq").is_empty(),
        "a beginning no name has finds nobody"
    );
}

#[test]
fn the_scope_filter_hides_other_offices() {
    let index = PersonIndex::in_memory(Vec::new()).unwrap();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    index
        .upsert(&[doc("Juan Gómez", a), doc("Juan Gómez", b)], None)
        .unwrap();
    let only_a = Filters {
        offices: Some(vec![a]),
        ..Default::default()
    };
    assert_eq!(index.search("juan gomez", &only_a, 0, 10).unwrap().1, 1);
    let none = Filters {
        offices: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(index.search("juan gomez", &none, 0, 10).unwrap().1, 0);
}

#[test]
fn profile_filters_narrow_the_results() {
    let index = PersonIndex::in_memory(Vec::new()).unwrap();
    let office = Uuid::now_v7();
    let mut young = doc("Ana Ruiz", office);
    young.birth_days = 738_000;
    young.occupations = vec!["7112".into()];
    young.disability = true;
    young.education = Some("3".into());
    let mut old = doc("Ana Ruiz", office);
    old.birth_days = 720_000;
    old.department = Some("AR-90084".into());
    index.upsert(&[young.clone(), old.clone()], None).unwrap();
    let count = |f: Filters| index.search("ana", &f, 0, 10).unwrap();
    let born_after = Filters {
        born_from: Some(730_000),
        ..Default::default()
    };
    assert_eq!(count(born_after).0, [young.id]);
    let born_before = Filters {
        born_to: Some(730_000),
        ..Default::default()
    };
    assert_eq!(count(born_before).0, [old.id]);
    let masons = Filters {
        occupation: Some("7112".into()),
        disability: Some(true),
        education: Some("3".into()),
        ..Default::default()
    };
    assert_eq!(count(masons).0, [young.id]);
    let in_capital = Filters {
        department: Some("AR-90084".into()),
        ..Default::default()
    };
    assert_eq!(count(in_capital).0, [old.id]);
    let none = Filters {
        disability: Some(false),
        occupation: Some("7112".into()),
        ..Default::default()
    };
    assert_eq!(count(none).1, 0);
}

#[test]
fn compacting_leaves_one_segment_with_every_person() {
    let index = PersonIndex::in_memory(Vec::new()).unwrap();
    let office = Uuid::now_v7();
    index.set_bulk(true).unwrap();
    let people: Vec<PersonDoc> = ["Ana Ruiz", "Juan Gómez", "Rosa Paz"]
        .into_iter()
        .map(|n| doc(n, office))
        .collect();
    for p in &people {
        index.upsert(std::slice::from_ref(p), None).unwrap();
    }
    assert_eq!(index.segments(), 3);
    // Re-indexing one person in a later batch replaces it, wherever it was.
    index.upsert(&people[..1], None).unwrap();
    index.compact().unwrap();
    index.set_bulk(false).unwrap();
    assert_eq!((index.segments(), index.len()), (1, 3));
    let (ids, total) = index.search("gomez", &Filters::default(), 0, 10).unwrap();
    assert_eq!((ids, total), (vec![people[1].id], 1));
}

/// A module that adds one field.
struct OneMore;

impl IndexExtension for OneMore {
    fn declare(&self, schema: &mut tantivy::schema::SchemaBuilder) {
        schema.add_text_field("one_more", STRING);
    }

    fn values<'a>(
        &'a self,
        _: &'a sipe_platform::db::Db,
        _: &'a IndexBatch<'a>,
    ) -> sipe_platform::module::BoxFuture<'a, anyhow::Result<HashMap<Uuid, ExtraValues>>> {
        Box::pin(async { Ok(HashMap::new()) })
    }
}

#[test]
fn an_index_of_other_fields_is_set_aside_and_started_again() {
    let dir = std::env::temp_dir().join(format!("sipe-index-{}", Uuid::now_v7()));
    let before = PersonIndex::open(&dir, Vec::new()).unwrap();
    before
        .upsert(&[doc("Ana Ruiz", Uuid::now_v7())], Some("w1"))
        .unwrap();
    drop(before);
    // Read-only opening reports the difference; a writer starts a fresh index.
    assert!(PersonIndex::open_read_only(&dir, vec![Arc::new(OneMore)]).is_err());
    let after = PersonIndex::open(&dir, vec![Arc::new(OneMore)]).unwrap();
    assert!(after.is_empty() && after.watermark().is_none());
    assert!(after.field("one_more").is_some());
    drop(after);
    let _ = std::fs::remove_dir_all(&dir);
    for e in std::fs::read_dir(std::env::temp_dir()).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with(&format!(
            "{}.replaced-",
            dir.file_name().unwrap().to_string_lossy()
        )) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[test]
fn upserting_replaces_and_merged_people_disappear() {
    let index = PersonIndex::in_memory(Vec::new()).unwrap();
    let mut p = doc("Ana Ruiz", Uuid::now_v7());
    index.upsert(&[p.clone()], None).unwrap();
    p.name = "Ana Ruiz Díaz".into();
    index.upsert(&[p.clone()], None).unwrap();
    assert_eq!(index.len(), 1);
    assert_eq!(
        index.search("diaz", &Filters::default(), 0, 10).unwrap().1,
        1
    );
    p.active = false;
    index.upsert(&[p], None).unwrap();
    assert!(index.is_empty());
}
