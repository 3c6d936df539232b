## Employment programmes
programmes-person-title = Employment programmes
bank-account-title = Bank account for payments
bank-account-none = No bank account recorded.
bank-account-bank = Bank (code)
bank-account-alias = Alias
bank-account-recorded = Recorded by
bank-account-cbu-hint = The 22 digits, as home banking or the ATM shows them.
bank-account-alias-hint = Or the alias: 6 to 20 letters, digits, dots or hyphens.
bank-account-save = Save account
bank-account-saved = Bank account saved.
bank-account-required = Type the CBU or the alias.
bank-account-one-only = Type the CBU or the alias, not both.
cbu-length = A CBU has 22 digits, no letters.
cbu-first-check = The CBU is not valid: check its first 8 digits (bank and branch).
cbu-second-check = The CBU is not valid: check its last 14 digits (the account).
alias-length = An alias has 6 to 20 characters.
alias-characters = An alias has only letters without accents or ñ, digits, dots or hyphens.
timeline-programmes-bank_account = Bank account for payments: { $account }

## Programmes
nav-programmes = Programmes
programmes-title = Employment programmes
programmes-none = No programmes yet.
programme-new = New programme
programme-filter-text = Code or name
programme-code = Code
programme-code-hint = 2 to 6 capital letters: it heads the approval numbers (PEJ-2026-000123).
programme-code-invalid = The code has 2 to 6 capital letters, no digits or accents.
programme-code-taken = There is already a programme with that code.
programme-name = Programme
programme-kind = Kind
programme-kind-training_stipend = Training stipend
programme-kind-work_placement = Work-training placement
programme-kind-wage_subsidy = Wage subsidy
programme-kind-one_off = One-off benefit
programme-kind-in_kind = In-kind benefit
programme-legal-basis = Legal basis
programme-legal-basis-hint = For example: Resolution 123/2026.
programme-legal-date = Its date
programme-period = Period
programme-starts = From
programme-ends = To
programme-no-end = no end date
programme-ends-before = The end cannot be before the start.
programme-max-months = Longest stay
programme-months = { $n ->
    [one] 1 month
   *[other] { $n } months
}
programme-quota-total = Total quota
programme-no-quota = No quota
programme-funding = Funding source
programme-documents = Required documents
programme-documents-hint = One document per line.
programme-active = Open
programme-closed = Closed
programme-edit = Edit
programme-data = Programme data
programme-saved = Programme saved.
programme-amounts = Monthly amounts
programme-amounts-hint = Each amount applies from its date until another of the same category replaces it: earlier months keep theirs.
programme-amount-n = Amount { $n }
programme-amount-category = Category
programme-amount = Amount ($)
programme-amount-from = From
programme-amounts-required = Enter at least one amount with its date.
programme-amounts-too-many = Too many amounts: up to 12.
programme-amount-invalid = The amount is not valid: write it as 85.000 or 85.000,50.
programme-amount-date-invalid = The date it applies from is missing or not valid.
programme-amount-repeated = There is already an amount of that category from that date.
programme-amount-in-force = An amount already in force is neither changed nor removed: add another from a later date.
programme-amount-in-past = A new amount applies from tomorrow or later: months already past keep theirs.

## Rules: criteria, office quotas, incompatibilities
programme-rules = Programme rules
programme-rules-edit = Edit rules
programme-rules-saved = Rules saved.
programme-criteria = Eligibility criteria
programme-criteria-hint = Tick the criteria that apply: a person is eligible when they meet every ticked one.
programme-criteria-none = No criteria: anyone registered is eligible.
criterion-apply = Apply this criterion
criterion-kind-age = Age
criterion-kind-residence = Residence
criterion-kind-employment = Employment status
criterion-kind-education = Education level
criterion-kind-household = Household
criterion-kind-disability = Disability
criterion-kind-registered = Time in sipe
criterion-age-min = Youngest age
criterion-age-max = Oldest age
criterion-age-on = Age reached on
criterion-age-on-hint = Empty: the age on the day of the evaluation.
criterion-province = Province
criterion-departments = Departments
criterion-departments-hint = None ticked: the whole province.
criterion-departments-later = Save the province to choose its departments; without departments the whole province counts.
criterion-statuses = Statuses accepted
criterion-months-unemployed = Months unemployed, at least
criterion-months-unemployed-hint = Optional; only for unemployed people.
criterion-education-max = Highest education level
criterion-dependants = Dependants, at least
criterion-head = Head of household
criterion-disability-apply = Only people with a disability
criterion-registered-days = Days since registration, at least
criterion-status-employed = employed
criterion-status-unemployed = unemployed
criterion-status-inactive = inactive
criterion-repeated = Each criterion is entered once.
criterion-age-range = The oldest age cannot be below the youngest.
criterion-statuses-required = Tick at least one employment status.
criterion-months-need-unemployed = Months unemployed require accepting unemployed people.
criterion-household-empty = Give dependants or tick head of household.
criterion-department-not-in-province = Some department is not in the chosen province.
programme-office-quotas = Quotas per office
programme-office-quotas-hint = Empty: the office is limited only by the total quota.
programme-quota-total-is = Programme's total quota: { $n }.
programme-quota = Quota
programme-quota-invalid = Some quota is not a whole number.
programme-quota-office-repeated = An office appears twice.
programme-quota-office-unknown = Some office does not exist.
programme-quotas-over-total = The office quotas add up to more than the total quota.
programme-incompatible = Incompatible programmes
programme-incompatible-none = There are no other programmes.
programme-incompatible-with = Incompatible with
programme-incompatible-hint = Nobody can be in this programme and a ticked one at once; it binds both ways.
programme-incompatible-self = A programme is not incompatible with itself.
programme-incompatible-unknown = Some ticked programme does not exist.
programme-col-office = Office
programme-col-name = Name
programme-col-document = Document

## Eligibility explained
criterion-yes = yes
criterion-no = no
criterion-unknown = unknown
criterion-age-value = age { $age }
criterion-age-rule = between { $min } and { $max } years
criterion-age-rule-on = between { $min } and { $max } years on { $day }
criterion-residence-value = lives in { $place }
criterion-residence-rule = residence in { $place }
criterion-unemployed-months = unemployed for { $n ->
    [one] 1 month
   *[other] { $n } months
}
criterion-employment-rule = status: { $statuses }
criterion-employment-rule-months = status: { $statuses }, unemployed for at least { $n ->
    [one] 1 month
   *[other] { $n } months
}
criterion-education-rule = education up to { $level }
criterion-household-value = { $n } dependants, head of household: { $head }
criterion-household-rule-dependants = at least { $n } dependants
criterion-household-rule-head = head of household
criterion-disability-yes = with a disability
criterion-disability-no = without a disability
criterion-disability-rule = with a disability
criterion-registered-value = registered { $n ->
    [one] 1 day
   *[other] { $n } days
} ago
criterion-registered-rule = registered at least { $n } days
criterion-sentence-met = { $value } — { $rule }: met
criterion-sentence-unmet = { $value } — { $rule }: not met
programme-eligible = Eligible people
programme-no-criteria = The programme has no criteria: everyone registered is counted.
programme-eligible-per-office = Eligible in the whole registry
programme-eligible-total = { $n } eligible people in all.
programme-eligible-count = Eligible
programme-eligible-in-scope = Eligible within your scope
programme-eligible-none = Nobody within your scope meets the criteria.
programme-eligibility = Eligibility
programme-eligible-yes = Meets every criterion
programme-eligible-no = Does not meet every criterion
programme-eligibility-none = There are no programmes in force.
programme-eligible-elsewhere = Other offices
