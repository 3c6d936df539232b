# Attention: the counter queue, its displays and the kiosk.

nav-attention-queue = Counter queue
dashboard-attention-waiting = People waiting for a ticket today

attention-board-title = Counter queue
attention-board-intro = Each office with counter services: who waits now, the longest wait and the counters open.
attention-board-none = No office within your reach has counter services set up yet.
attention-board-my-counter = You are attending at { $counter }.
attention-counter-open = Go to the counter
attention-office = Office
attention-waiting-now = Waiting now
attention-longest-wait = Longest wait
attention-counters-open = Counters open
attention-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}

attention-queue-title = Today's queue
attention-display-open = Calls display
attention-kiosk-open = Ticket kiosk
attention-setup-title = Services and counters
attention-finished-today = Attended today
attention-counters = Counters
attention-counters-none = This office has no counters yet.
attention-counter = Counter
attention-operator = Attended by
attention-current-ticket = Current ticket
attention-inactive = inactive
attention-active = Active
attention-waiting-list = Tickets waiting
attention-waiting-none = Nobody is waiting.
attention-number = Ticket
attention-service = Service
attention-priority = Priority
attention-waited = Waited
attention-cancel-confirm = Cancel ticket { $number }? The person loses their place in the queue.
attention-issue-title = Issue a ticket at reception
attention-issue = Issue and print
attention-choose = Choose one
attention-document = ID number (optional)
attention-document-hint = With the ID number, the counter opens the person's record when calling them.
attention-document-invalid = Type only the document's digits, 6 to 11 of them.
attention-services-none = This office has no counter services yet.

attention-priority-regular = No priority
attention-priority-appointment = With an appointment
attention-priority-older-adult = Older adult
attention-priority-pregnancy = Pregnant
attention-priority-disability = Person with a disability
attention-priority-invalid = Choose a priority from the list.

attention-status-waiting = Waiting
attention-status-called = Called
attention-status-serving = Being attended
attention-status-finished = Attended
attention-status-no-show = Did not come
attention-status-cancelled = Cancelled
attention-status-invalid = No such status: use waiting, called, serving, finished, no_show or cancelled.

attention-setup-intro = Each service has letters that begin its tickets (A-001). Each counter calls the services you give it.
attention-services = Services
attention-prefix = Letters
attention-prefix-hint = One to three letters, no accents or digits.
attention-prefix-invalid = Use one to three letters from A to Z.
attention-prefix-taken = Another service of this office uses those letters.
attention-service-name = Service name
attention-position = Order at the kiosk
attention-position-hint = A number from 0 to 999: lower ones come first.
attention-position-invalid = Type a whole number from 0 to 999.
attention-state = State
attention-edit = Change
attention-service-new = New service
attention-service-add = Add service
attention-service-edit = Change the service
attention-service-active = Offered at the kiosk and at reception
attention-service-saved = Service saved.
attention-service-unknown = That service is not this office's or is not active.
attention-counter-new = New counter
attention-counter-name = Counter name
attention-counter-services = Services it calls
attention-counter-add = Add counter
attention-counter-edit = Change the counter
attention-counter-active = In use
attention-counter-saved = Counter saved.
attention-counter-needs-service = Choose at least one service.
attention-too-many = This office has reached the maximum of 60.
attention-save = Save

attention-counter-inactive = This counter is not in use.
attention-counter-mine = You are attending at this counter.
attention-counter-held-by = { $name } is attending here.
attention-counter-free = Nobody is attending at this counter.
attention-sign-in = Attend at this counter
attention-sign-out = Leave the counter
attention-signed-out = You left the counter.
attention-waiting-for-counter = Waiting for this counter
attention-call-next = Call next
attention-finish-and-call = Finish and call next
attention-nobody-waiting = Nobody is waiting for this counter's services.
attention-counter-idle = Nobody is called. Press "Call next".
attention-recalls = Called again
attention-person = Person
attention-person-none = No ID number given.
attention-person-not-found = Their ID number is not in the registry within your reach.
attention-person-unknown = That person is not in the registry within your reach.
attention-step-start = Start attending
attention-step-recall = Call again
attention-step-no-show = Did not come
attention-no-show-confirm = Mark that { $number } did not come?
attention-step-finish = Finish
attention-step-redirect = Redirect
attention-step-cancel = Cancel
attention-redirect-to = Redirect to another service
attention-redirect-hint = It goes back to that service's queue at the place it had.
attention-redirect-same = Choose a service other than the current one.
attention-step-done = Done.
attention-step-invalid = Could not do it: choose a valid action.
attention-step-not-now = That ticket has changed state meanwhile: the screen is up to date now.
attention-topics-invalid = Choose up to 10 topics from the list.

attention-display-title = Calls
attention-display-sound = Turn sound on
attention-display-connecting = Connecting…
attention-display-online = Live
attention-display-offline = Offline: retrying…
attention-display-now = Calling now
attention-display-waiting = Waiting for the first call
attention-display-recent = Recent calls
attention-say-ticket = Ticket
attention-say-counter = Counter

attention-kiosk-title = Take a ticket
attention-kiosk-closed = This office is not issuing kiosk tickets right now.
attention-kiosk-priority = Do you have priority?
attention-kiosk-priority-hint = Older adults, pregnant people, people with a disability or with an appointment.
attention-kiosk-document = Your ID number (optional)
attention-kiosk-document-hint = So you are attended faster.
attention-kiosk-choose = Touch what you came for
attention-kiosk-back = Back to the kiosk

attention-ticket-ahead = { $n ->
    [0] You are next.
    [one] 1 person is ahead of you.
   *[other] { $n } people are ahead of you.
}
attention-ticket-go-to = You are called: go to { $counter }.
attention-ticket-qr = QR code to follow the ticket on a phone
attention-ticket-follow = Scan the code to follow your ticket on your phone.
attention-ticket-print = Print

nav-attention-interactions = Consultations
attention-interactions-title = Consultations
attention-interactions-by-status = Consultations by status
attention-interactions-all = All
attention-interactions-none = No consultations match these filters.
attention-interaction-new = Record a consultation
attention-interaction-title = Consultation
attention-interaction-saved = Consultation saved.
attention-interaction-invalid = Could not save: check the status and the text.
attention-interaction-no-person = No person of the registry: note the contact phone or e-mail. To tie it to a person, record it from their record.
attention-interaction-change = Change the status
attention-changed-meanwhile = Someone else changed this consultation meanwhile: look at it again and retry.
attention-channel = Channel
attention-all-channels = All channels
attention-only-mine = Only those assigned to me
attention-filter = Filter
attention-when = Date
attention-topic = Topic
attention-assigned = Assigned to
attention-contact = Contact phone or e-mail
attention-contact-hint = When the person is not in the registry.
attention-notes = Notes
attention-outcome = Answer or outcome
attention-outcome-hint = What was answered or done.
attention-resolved-at = Resolved
attention-delivered = Topics attended
attention-delivered-hint = Each topic is recorded as a consultation at the counter.
attention-channel-phone = Phone
attention-channel-email = E-mail
attention-channel-whatsapp = WhatsApp
attention-channel-social = Social networks
attention-channel-web = Web form
attention-channel-counter = Counter
attention-channel-sms = SMS
attention-channel-invalid = Choose a channel: phone, email, whatsapp, social, web, counter or sms.
attention-direction-in = received
attention-direction-out = made by the office
attention-direction-invalid = The direction is in (received) or out (made by the office).
attention-istatus-open = Open
attention-istatus-waiting-person = Waiting for the person
attention-istatus-waiting-area = Waiting for another area
attention-istatus-resolved = Resolved
attention-istatus-invalid = Choose a status: open, waiting_person, waiting_area or resolved.
attention-topic-unknown = That topic does not exist or is no longer used.
timeline-attention-interaction = Consultation by { $channel }: { $topic }
attention-no-topic = no topic

attention-counter-held = Someone else is attending at this counter: to call from here, take the counter first.
attention-screen-stale = The screen was out of date (a double click?): nobody was called. Look at the current ticket and try again.
attention-counter-busy = You are signing in to another counter at the same time: try again.
attention-counter-name-taken = Another counter of this office has that name.
attention-take-over-confirm = { $name } is attending at this counter. Take it over? Their current ticket stays with this counter.
