"""The words of every email Hearth sends, per language, in one place (a language catalogue takes them over).

Each message is a subject and a plain-text body with {placeholders}; `render` fills them in the
recipient's language, falling back to English.
"""
FALLBACK = "en"

MESSAGES = {
    "en": {
        "password_reset": {
            "subject": "Choose a new Hearth password",
            "body": (
                "Hi {name},\n"
                "\n"
                "Someone (we hope you) asked to choose a new password for your Hearth account.\n"
                "Open this link to choose one. It works once, for {minutes} minutes:\n"
                "\n"
                "{link}\n"
                "\n"
                "Choosing a new password logs you out on every phone; your entries and your couple\n"
                "stay as they are.\n"
                "\n"
                "If you didn't ask for this, you can ignore this email: your password stays the same.\n"
                "\n"
                "Hearth\n"
            ),
        },
        "mail_test": {
            "subject": "Hearth can send email",
            "body": "This is a test message from Hearth (flask mail test). Mail settings work.\n",
        },
    },
}


def render(key, language=None, **values):
    """(subject, body) of message `key` in `language` (English when there is none in that language)."""
    catalogue = MESSAGES.get(language or FALLBACK, {})
    message = catalogue.get(key) or MESSAGES[FALLBACK][key]
    return message["subject"].format(**values), message["body"].format(**values)
