# Messaging: templates, messages and providers.
nav-messages = Messages
nav-message-templates = Message templates
nav-message-providers = Messaging providers

messaging-channel = Channel
messaging-channel-email = E-mail
messaging-channel-sms = SMS
messaging-channel-whatsapp = WhatsApp
messaging-direction-in = Inbound
messaging-direction-out = Outbound

messaging-status-queued = Queued
messaging-status-sending = Sending
messaging-status-sent = Sent
messaging-status-delivered = Delivered
messaging-status-failed = Failed
messaging-status-expired = Expired
messaging-status-skipped = Not sent
messaging-status-cancelled = Cancelled
messaging-status-received = Received

messaging-reason-no_address = no address for the channel
messaging-reason-no_channel_consent = no consent for the channel
messaging-reason-no_purpose_consent = no consent for the purpose
messaging-reason-consent_withdrawn = the person withdrew their consent
messaging-reason-frequency_cap = over the most messages per person
messaging-reason-unconfirmed = the provider did not confirm it
messaging-reason-cancelled = campaign cancelled
messaging-reason-missing_variable = the template uses a variable this notice does not have
messaging-reason-provider_refused = the provider refused it
messaging-reason-provider_error = the provider did not answer (retried)
messaging-reason-address_changed = the person's address changed
messaging-reason-template_inactive = the template was retired
messaging-reason-no_person = the person is no longer in the registry
messaging-reason-opt_out = opted out (replied STOP or BAJA)
messaging-reason-unknown_sender = the number is nobody's in the registry
messaging-provider-off = Not used

messaging-purpose-service = The person's own procedures (service notices)
messaging-purpose-contact = Contact by the office
messaging-purpose-job_matching = Job search and referrals
messaging-purpose-share_with_employers = Sharing the profile with employers
messaging-purpose-training_offers = Training offers
messaging-purpose-statistics = Statistics

messaging-templates-title = Message templates
messaging-templates-none = No templates yet.
messaging-template-new = New template
messaging-template-filter = Name or code
messaging-template-name = Name
messaging-template-code = Code
messaging-template-code-hint = 3 to 40 lowercase letters, digits or underscores; other modules send by this code.
messaging-template-purpose = Purpose
messaging-template-purpose-hint = Service notices need only the channel's consent; other purposes also need the purpose's.
messaging-template-any-hour = Send at any hour
messaging-template-any-hour-hint = For messages that cannot wait (a login code); other SMS and WhatsApp messages wait outside quiet hours.
messaging-template-active = Active
messaging-template-retired = Retired
messaging-template-channels = Channels
messaging-template-updated = Changed
messaging-template-general = Template
messaging-template-version = Version { $n }
messaging-template-variables = Variables:
messaging-template-sms = SMS text
messaging-template-transliterate = Drop accents to stay in GSM-7
messaging-template-transliterate-hint = á → a, ó → o: one character outside GSM-7 cuts a segment from 160 to 70 characters.
messaging-template-subject = E-mail subject
messaging-template-email = E-mail text
messaging-template-wa-name = Approved WhatsApp template name
messaging-template-wa-name-hint = As in the WhatsApp manager (lowercase letters, digits and underscores).
messaging-template-wa-language = WhatsApp template language
messaging-template-wa-params = WhatsApp template parameters
messaging-template-wa-params-hint = Variables in order, separated by commas: nombre, fecha, oficina.
messaging-template-wa-text = WhatsApp free text
messaging-template-wa-text-hint = Used only within 24 hours after the person wrote.
messaging-template-saved = Template saved.
messaging-code-invalid = Use 3 to 40 lowercase letters, digits or underscores.
messaging-code-taken = A template has that code already.
messaging-variable-unknown = A variable does not exist or a brace is not closed; use the variables listed.
messaging-email-needs-both = The e-mail needs a subject and a text.
messaging-whatsapp-name-invalid = Use lowercase letters, digits and underscores, as in the WhatsApp manager.
messaging-variable-not-given = This notice has no such variable: use the person's and those the notice gives.
messaging-code-fixed = The code does not change: modules send by it.
messaging-template-changed = Someone changed the template while you edited it; open it again.
messaging-template-empty = Write the text of at least one channel.

messaging-sms-units = Units
messaging-sms-segments = Segments
messaging-sms-cost = Cost
messaging-sms-encoding-hint = GSM-7 fits 160 characters in an SMS (153 when there are several); one accent (á, í, ó, ú) switches to UCS-2: 70 (67). €, [, ], {"{"}, {"}"}, ~, ^, | and \ count twice. Each variable counts at a typical length ({"{"}nombre{"}"} 12 characters, {"{"}oficina{"}"} 30, {"{"}enlace{"}"} 40); a name with an accent turns that message into UCS-2 unless accents are removed.

messaging-messages-title = Messages
messaging-messages-none = No messages match these filters.
messaging-message-title = Message
messaging-message-when = Date
messaging-message-person = Person
messaging-message-address = Phone or e-mail
messaging-message-text = Text
messaging-message-sent = Sent
messaging-message-delivered = Delivered
messaging-unknown-sender = Unknown number
messaging-provider = Provider
messaging-attempts = { $n ->
    [one] 1 attempt
   *[other] { $n } attempts
}

messaging-providers-title = Messaging providers
messaging-providers-intro = Set in the [messaging] section of the configuration file; passwords and tokens are read from files or environment variables and never shown.
messaging-provider-sink = Development folder (nothing leaves)
messaging-provider-smtp = SMTP server
messaging-provider-smpp = SMSC over SMPP 3.4
messaging-provider-cloud_api = WhatsApp Cloud API
messaging-rate = Messages per second
messaging-provider-detail = Detail
messaging-quiet-hours = Quiet hours (SMS and WhatsApp)
messaging-quiet-none = None
messaging-frequency = Most per person (campaigns)
messaging-frequency-value = { $n } messages every { $days } days
messaging-approval-threshold = Recipients from which a campaign needs approval
messaging-sms-price = Price per SMS segment
messaging-queued-now = Messages queued now

messaging-person-title = Messages
messaging-person-none = No messages with this person yet.
messaging-person-all = See all { $n } messages

timeline-messaging-message = { $state ->
    [skipped] { $channel }: “{ $template }”, not sent: { $reason }
   *[other] { $channel }: “{ $template }”
}

nav-campaigns = Campaigns
messaging-campaigns-title = Campaigns
messaging-campaigns-none = No campaigns yet.
messaging-campaign-new = New campaign
messaging-campaign-name = Campaign name
messaging-campaign-template = Template
messaging-campaign-recipients = Recipients
messaging-campaign-message = Message
messaging-choose = Choose one
messaging-campaign-state-draft = Draft
messaging-campaign-state-pending_approval = Waiting for approval
messaging-campaign-state-scheduled = Scheduled
messaging-campaign-state-sending = Sending
messaging-campaign-state-finished = Finished
messaging-campaign-state-cancelled = Cancelled
messaging-campaign-save = Save draft
messaging-campaign-saved = Campaign saved.
messaging-campaign-pending = The campaign waits for another user's approval.
messaging-campaign-scheduled = The campaign is scheduled.
messaging-campaign-cancelled = The campaign was cancelled; unsent messages were withdrawn.
messaging-campaign-author = Prepared by
messaging-campaign-approver = Approved by
messaging-campaign-when = Scheduled for
messaging-campaign-cancelled-by = Cancelled by
messaging-campaign-queued = Messages created
messaging-campaign-excluded = Left out
messaging-campaign-reach-now = Today it would reach { $n ->
    [one] 1 person
   *[other] { $n } people
} on this channel.
messaging-campaign-threshold = Above { $n } recipients another user approves it.
messaging-campaign-schedule = Send on
messaging-campaign-schedule-hint = Empty: now. SMS and WhatsApp wait for quiet hours to end.
messaging-campaign-launch = Send
messaging-campaign-approval-ask = This campaign reaches { $n } people and needs your approval.
messaging-campaign-approve = Approve
messaging-campaign-reject = Back to draft
messaging-campaign-cancel = Cancel the campaign
messaging-campaign-cancel-confirm = Cancel the campaign? Messages not yet sent are withdrawn.
messaging-campaign-report = Outcome
messaging-campaign-report-none = No messages of this campaign yet.
messaging-campaign-messages = Messages
messaging-campaign-opt-outs = Opt-outs (consent withdrawn)
messaging-campaign-cost = Cost
messaging-campaign-failures = Failures by reason
messaging-campaign-see-messages = See the messages
messaging-campaign-template-unknown = Choose an active template.
messaging-campaign-no-variant = The template has no text for this channel.
messaging-campaign-changed = Someone changed the campaign; open it again.
messaging-campaign-not-author = Only whoever prepared the campaign sends it.
messaging-campaign-when-invalid = Write a future date and time.
messaging-campaign-nobody = This channel reaches nobody in that audience.
messaging-campaign-same-user = Another user approves it, not whoever prepared it.
messaging-campaign-step-not-allowed = That step does not fit the campaign's state.

messaging-audiences-title = Audiences
messaging-audiences-intro = An audience keeps filters, never people: each use finds who meets them now, within your scope.
messaging-audiences-none = No saved audiences yet.
messaging-audience = Audience
messaging-audience-hint = Only people with the channel's address and consent (and the template purpose's) receive it.
messaging-audience-office = Office
messaging-audience-every-office = Every office
messaging-audience-department = Department
messaging-audience-sex = Registered sex
messaging-audience-age-min = Age from
messaging-audience-age-max = Age to
messaging-audience-education = Education level
messaging-audience-employment = Employment status
messaging-audience-disability = Disability
messaging-yes-no-yes = Yes
messaging-yes-no-no = No
messaging-audience-occupation = Occupation (code or words)
messaging-audience-counts = Who it reaches
messaging-audience-people = People meeting the filters
messaging-audience-counts-hint = By channel: with the channel's address and consent, and the chosen template purpose's. The cap of messages per person applies when sending: whoever reached it then is left out.
messaging-audience-count = Count recipients
messaging-audience-save = Save the audience
messaging-audience-saved = Audience saved.
messaging-audience-name = Audience name
messaging-audience-use = Use in a campaign
messaging-audience-office-required = Choose the audience's office.
messaging-audience-office-unknown = That office is not in your scope.
messaging-audience-age-invalid = Write an age between 0 and 120.
messaging-campaign-variables = A campaign fills only {"{"}nombre{"}"}, {"{"}apellido{"}"} and {"{"}oficina{"}"}: choose a template that uses no other variable.
messaging-campaign-may-not-approve = Your role does not approve campaigns.
messaging-campaign-template-changed = The template changed after the campaign was sent for approval: return it to draft for its author to send again.
messaging-audience-occupation-unknown = We found no such occupation; write its code or its name.
messaging-campaign-excluded-why = (no address or consent, or at the most messages)

messaging-unsubscribe-title = Stop receiving e-mails
messaging-unsubscribe-ask = Do you want to stop receiving e-mails from the employment service at { $address }?
messaging-unsubscribe-button = Yes, no more e-mails
messaging-unsubscribe-note = You can accept them again at your employment office whenever you want.
messaging-unsubscribe-done = Done: no more e-mails to { $address }.
messaging-unsubscribe-already = { $address } no longer receives e-mails from the employment service.
messaging-campaign-edit = Edit the campaign
messaging-campaign-not-editable = Only whoever prepared the campaign can edit it, and only while it is a draft.
messaging-campaign-not-draft = The campaign is no longer a draft.
messaging-campaign-audience = Audience
messaging-campaign-every-filter = No other filter.
messaging-campaign-template-since = The template changed since the campaign was sent for approval.
messaging-sms-replaced = No GSM-7 equivalent, sent as "?":
messaging-campaign-template-after = The template changed after this campaign: this is its text today, not the one sent.
messaging-campaign-estimate = Estimated cost
messaging-campaign-estimate-each = { $n ->
    [one] one segment per message
   *[other] { $n } segments per message
}, with variables at a typical length
messaging-campaign-estimate-plain = sent without accents
messaging-campaign-launch-confirm = Send the campaign? Today it reaches { $n } people.
messaging-messages-of-campaign = Of the campaign
messaging-messages-all = See every message
