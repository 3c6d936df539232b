//! Training's migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::MigrationTrait;

mod m0021_training;
mod m0023_training_credentials;
mod m0025_training_moodle;
mod m0026_training_paths_standards;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0021_training::M0021Training),
        Box::new(m0023_training_credentials::M0023TrainingCredentials),
        Box::new(m0025_training_moodle::M0025TrainingMoodle),
        Box::new(m0026_training_paths_standards::M0026TrainingPathsStandards),
    ]
}
