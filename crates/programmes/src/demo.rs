//! `sipe demo`: bank accounts for the unemployed people of two offices (most a CBU, some
//! an alias), recorded through the ordinary use case.

use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::ids::OfficeId;
use sipe_platform::module::{DemoStage, DemoStep};

use crate::bank::AccountInput;

/// Programmes' steps of `sipe demo`.
pub const STEPS: &[DemoStep] = &[DemoStep {
    name: "programmes-accounts",
    stage: DemoStage::Profiles,
    run: |ctx| Box::pin(seed_accounts(ctx.db)),
}];

/// Banks of the province (Banco Macro, Nación, Galicia, Santander, Credicoop).
const BANKS: [&str; 5] = ["2850590", "0110401", "0070999", "0720035", "1910059"];

async fn seed_accounts(db: &sipe_platform::db::Db) -> anyhow::Result<String> {
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let mut recorded = 0;
    for code in ["OE-CAP-01", "OE-CAP-02"] {
        let Some(office) = sipe_platform::territory::store::find_office_by_code(db, code).await?
        else {
            continue;
        };
        let people = sipe_persons::store::unemployed_of_office(db, OfficeId(office.id), 40).await?;
        for (n, p) in people.iter().enumerate() {
            if crate::bank::store::of_person(db, p.uuid()).await?.is_some() {
                continue;
            }
            let input = if n % 5 == 4 {
                AccountInput {
                    cbu: None,
                    alias: Some(format!("demo.cuenta.{:04}", n + recorded)),
                }
            } else {
                let account = format!("{:013}", 4_000_000_000_000u64 + (recorded as u64) * 7_919);
                AccountInput {
                    cbu: crate::bank::cbu_with_checks(BANKS[n % BANKS.len()], &account),
                    alias: None,
                }
            };
            crate::bank::store::set(db, &ctx, &system, p.uuid(), &input)
                .await
                .map_err(|e| anyhow::anyhow!("bank account of a demo person: {e}"))?;
            recorded += 1;
        }
    }
    Ok(format!(
        "{recorded} bank accounts of programme beneficiaries"
    ))
}
