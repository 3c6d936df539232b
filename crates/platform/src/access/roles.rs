//! Roles and what each may do. The mapping lives in code so it is reviewed like code.

use serde::{Deserialize, Serialize};

/// A user's role; one per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the platform: users, offices, audit.
    Admin,
    /// Leads an office or a group of offices.
    Coordinator,
    /// Serves people at an office.
    Operator,
    /// Guides people at an office.
    Counselor,
    /// Runs vocational training.
    TrainingManager,
    /// Runs employment programmes.
    ProgrammeManager,
    /// Answers consultations from every channel.
    HelpDesk,
    /// Records intake, dispatch and archive.
    RecordsClerk,
    /// Results-oriented planning.
    Planner,
    /// Labour inspection.
    Inspector,
    /// Employment observatory.
    Analyst,
    /// Staff of a training institution: its cohorts, attendance and assessments, and of
    /// a person only what training needs.
    InstitutionStaff,
}

/// Something a role may do. Checked by the router for every route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the home page.
    ViewDashboard,
    /// Browse territories (public reference data).
    ViewTerritories,
    /// See offices within the view scope.
    ViewOffices,
    /// Create, edit and deactivate offices.
    ManageOffices,
    /// Manage users, roles and scopes.
    ManageUsers,
    /// Read the audit log.
    ViewAudit,
    /// See and retry background jobs.
    ManageJobs,
    /// Search and read people (within the search and view scopes).
    ViewPersons,
    /// Register and edit people (within the capture scope).
    EditPersons,
    /// Duplicates queue and merges, transfer decisions, exports and data-subject access.
    CoordinatePersons,
    /// Extend the skills vocabulary.
    ManageTaxonomy,
    /// Upload files of people to import.
    ImportPersons,
    /// See employers, vacancies, matching results and referrals.
    ViewIntermediation,
    /// Register employers and vacancies, refer candidates, record outcomes.
    EditIntermediation,
    /// See courses, cohorts, enrolments and certificates.
    ViewTraining,
    /// Enrol and withdraw people, take attendance, record outcomes.
    EditTraining,
    /// Open cohorts and move them through their states; revoke their certificates.
    ManageCohorts,
    /// Keep the training catalogue: institutions and courses (system-wide).
    ManageTraining,
    /// See programmes, applications, beneficiaries' bank accounts and payment runs.
    ViewProgrammes,
    /// Record what an office does for its people in programmes: bank accounts,
    /// applications, attendance.
    EditProgrammes,
    /// Keep the programmes themselves: rules, amounts, quotas (system-wide).
    ManageProgrammes,
    /// See message templates, audiences, campaigns and the messages of people in scope.
    ViewMessaging,
    /// Write audiences, prepare campaigns, message a person in scope.
    SendMessages,
    /// Write the message templates every office sends (system-wide).
    ManageTemplates,
    /// Approve another user's campaign above the approval threshold.
    ApproveCampaigns,
    /// See the providers' configuration and the unmatched inbound messages (system-wide).
    ManageMessaging,
    /// See an office's queue, counters, tickets and the consultations in scope.
    ViewAttention,
    /// Attend people: issue and call tickets at a counter, record consultations.
    Attend,
    /// Set up an office's services, counters and queue policy.
    ManageAttention,
    /// Work the secretariat's phone line: its caller log, missed calls, call pop-ups.
    AnswerPhone,
    /// Set the consultations' SLA targets and the holidays every office closes on.
    ManageSla,
}

impl Permission {
    /// Does it act on every office at once? (audit rows, jobs, import rows and the
    /// taxonomy carry no office to scope by.)
    pub fn is_system_wide(self) -> bool {
        matches!(
            self,
            Permission::ViewAudit
                | Permission::ManageJobs
                | Permission::ManageTaxonomy
                | Permission::ImportPersons
                | Permission::ManageTraining
                | Permission::ManageProgrammes
                | Permission::ManageMessaging
                | Permission::ManageTemplates
                | Permission::AnswerPhone
                | Permission::ManageSla
        )
    }
}

impl Role {
    /// Every role, in the order screens list them.
    pub const ALL: [Role; 12] = [
        Role::Admin,
        Role::Coordinator,
        Role::Operator,
        Role::Counselor,
        Role::TrainingManager,
        Role::ProgrammeManager,
        Role::HelpDesk,
        Role::RecordsClerk,
        Role::Planner,
        Role::Inspector,
        Role::Analyst,
        Role::InstitutionStaff,
    ];

    /// The identifier used in the database, the CLI and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Operator => "operator",
            Role::Counselor => "counselor",
            Role::TrainingManager => "training_manager",
            Role::ProgrammeManager => "programme_manager",
            Role::HelpDesk => "help_desk",
            Role::RecordsClerk => "records_clerk",
            Role::Planner => "planner",
            Role::Inspector => "inspector",
            Role::Analyst => "analyst",
            Role::InstitutionStaff => "institution_staff",
        }
    }

    /// Catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Coordinator => "role-coordinator",
            Role::Operator => "role-operator",
            Role::Counselor => "role-counselor",
            Role::TrainingManager => "role-training_manager",
            Role::ProgrammeManager => "role-programme_manager",
            Role::HelpDesk => "role-help_desk",
            Role::RecordsClerk => "role-records_clerk",
            Role::Planner => "role-planner",
            Role::Inspector => "role-inspector",
            Role::Analyst => "role-analyst",
            Role::InstitutionStaff => "role-institution_staff",
        }
    }

    /// Parses the identifier; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Central roles may hold a national scope; office roles must be tied to offices.
    pub fn may_be_national(self) -> bool {
        !matches!(
            self,
            Role::Operator
                | Role::Counselor
                | Role::Coordinator
                | Role::Inspector
                | Role::InstitutionStaff
        )
    }

    /// Roles of a partner organisation's staff: scoped by their affiliation, never by
    /// offices (they hold no office scope, so the persons registry finds nobody).
    pub fn is_affiliated(self) -> bool {
        self == Role::InstitutionStaff
    }

    /// Does this role grant `permission`?
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ViewDashboard | ViewTerritories | ViewOffices => true,
            ManageOffices | ManageUsers | ViewAudit | ManageJobs => self == Role::Admin,
            ViewPersons => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Operator
                    | Role::Counselor
                    | Role::HelpDesk
                    | Role::TrainingManager
                    | Role::ProgrammeManager
                    | Role::InstitutionStaff
            ),
            EditPersons => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::Operator | Role::Counselor
            ),
            CoordinatePersons => matches!(self, Role::Admin | Role::Coordinator),
            ManageTaxonomy | ImportPersons => self == Role::Admin,
            ViewIntermediation => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Operator
                    | Role::Counselor
                    | Role::HelpDesk
                    | Role::ProgrammeManager
            ),
            EditIntermediation => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::Operator | Role::Counselor
            ),
            ViewTraining => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Operator
                    | Role::Counselor
                    | Role::HelpDesk
                    | Role::TrainingManager
                    | Role::ProgrammeManager
                    | Role::InstitutionStaff
            ),
            EditTraining => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Operator
                    | Role::Counselor
                    | Role::TrainingManager
                    | Role::InstitutionStaff
            ),
            ManageCohorts => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::TrainingManager | Role::InstitutionStaff
            ),
            ManageTraining => matches!(self, Role::Admin | Role::TrainingManager),
            ViewProgrammes => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Operator
                    | Role::Counselor
                    | Role::HelpDesk
                    | Role::ProgrammeManager
            ),
            EditProgrammes => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::Operator | Role::ProgrammeManager
            ),
            ManageProgrammes => matches!(self, Role::Admin | Role::ProgrammeManager),
            ViewMessaging => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Operator
                    | Role::Counselor
                    | Role::HelpDesk
                    | Role::TrainingManager
                    | Role::ProgrammeManager
            ),
            SendMessages => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::HelpDesk
                    | Role::TrainingManager
                    | Role::ProgrammeManager
            ),
            ManageTemplates => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::HelpDesk
                    | Role::TrainingManager
                    | Role::ProgrammeManager
            ),
            // Office coordinators approve their offices' campaigns; the national
            // managers of programmes and training, national ones (with the admin).
            ApproveCampaigns => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::ProgrammeManager | Role::TrainingManager
            ),
            ManageMessaging => self == Role::Admin,
            ViewAttention | Attend => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::Operator | Role::Counselor | Role::HelpDesk
            ),
            ManageAttention => matches!(self, Role::Admin | Role::Coordinator),
            // The line rings at the help desk (the seed's IP PBX routes it to them).
            AnswerPhone => matches!(self, Role::Admin | Role::HelpDesk),
            ManageSla => self == Role::Admin,
        }
    }

    /// The permissions this role holds, for the roles screen.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.can(*p))
            .collect()
    }
}

impl Permission {
    /// Every permission, in the order the roles screen lists them.
    pub const ALL: [Permission; 31] = [
        Permission::ViewDashboard,
        Permission::ViewTerritories,
        Permission::ViewOffices,
        Permission::ManageOffices,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::ManageJobs,
        Permission::ViewPersons,
        Permission::EditPersons,
        Permission::CoordinatePersons,
        Permission::ManageTaxonomy,
        Permission::ImportPersons,
        Permission::ViewIntermediation,
        Permission::EditIntermediation,
        Permission::ViewTraining,
        Permission::EditTraining,
        Permission::ManageCohorts,
        Permission::ManageTraining,
        Permission::ViewProgrammes,
        Permission::EditProgrammes,
        Permission::ManageProgrammes,
        Permission::ViewMessaging,
        Permission::SendMessages,
        Permission::ManageTemplates,
        Permission::ApproveCampaigns,
        Permission::ManageMessaging,
        Permission::ViewAttention,
        Permission::Attend,
        Permission::ManageAttention,
        Permission::AnswerPhone,
        Permission::ManageSla,
    ];

    /// Catalogue key of the permission's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Permission::ViewDashboard => "perm-view-dashboard",
            Permission::ViewTerritories => "perm-view-territories",
            Permission::ViewOffices => "perm-view-offices",
            Permission::ManageOffices => "perm-manage-offices",
            Permission::ManageUsers => "perm-manage-users",
            Permission::ViewAudit => "perm-view-audit",
            Permission::ManageJobs => "perm-manage-jobs",
            Permission::ViewPersons => "perm-view-persons",
            Permission::EditPersons => "perm-edit-persons",
            Permission::CoordinatePersons => "perm-coordinate-persons",
            Permission::ManageTaxonomy => "perm-manage-taxonomy",
            Permission::ImportPersons => "perm-import-persons",
            Permission::ViewIntermediation => "perm-view-intermediation",
            Permission::EditIntermediation => "perm-edit-intermediation",
            Permission::ViewTraining => "perm-view-training",
            Permission::EditTraining => "perm-edit-training",
            Permission::ManageCohorts => "perm-manage-cohorts",
            Permission::ManageTraining => "perm-manage-training",
            Permission::ViewProgrammes => "perm-view-programmes",
            Permission::EditProgrammes => "perm-edit-programmes",
            Permission::ManageProgrammes => "perm-manage-programmes",
            Permission::ViewMessaging => "perm-view-messaging",
            Permission::SendMessages => "perm-send-messages",
            Permission::ManageTemplates => "perm-manage-templates",
            Permission::ApproveCampaigns => "perm-approve-campaigns",
            Permission::ManageMessaging => "perm-manage-messaging",
            Permission::ViewAttention => "perm-view-attention",
            Permission::Attend => "perm-attend",
            Permission::ManageAttention => "perm-manage-attention",
            Permission::AnswerPhone => "perm-answer-phone",
            Permission::ManageSla => "perm-manage-sla",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_identifiers_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_admin_manages_users() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::ManageUsers), role == Role::Admin);
        }
    }

    #[test]
    fn office_roles_cannot_be_national() {
        assert!(!Role::Operator.may_be_national());
        assert!(!Role::Inspector.may_be_national());
        assert!(Role::Analyst.may_be_national());
    }
}
