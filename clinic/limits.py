"""How much one visitor message may ask of the server, in one place.

A message of up to ``MAX_MESSAGE_CHARS`` characters is read whole (the crisis
detector included); anything longer is refused at the channel before any
processing, and request bodies over ``MAX_REQUEST_BYTES`` before they are read.
Plain values with no imports: the channels, the NLU pipeline and the Rasa
command line all use them.
"""

MAX_MESSAGE_CHARS = 64_000
# A message of MAX_MESSAGE_CHARS characters JSON-escaped (\uXXXX, surrogate
# pairs) fits with room to spare; Rasa's own default would take 100 MB.
MAX_REQUEST_BYTES = 1_048_576
# The action server is sent a conversation's whole tracker on every custom
# action: every message with its parse, as JSON (up to six bytes a character).
# At 1 MB a conversation with two maximum-size messages could no longer book or
# ask for a person (found by tests/integration/test_fuzz.py); it listens on
# loopback only, behind a token (clinic/action_auth.py).
MAX_ACTION_REQUEST_BYTES = 64 * 1_048_576
TOO_LONG_EVENT = "message_too_long"
TOO_LONG_TEXT = (
    "Sorry, that message is too long for me to read. Could you send a shorter "
    "question? If you are in danger or thinking of harming yourself, please call "
    "your local emergency number or a crisis line now."
)
MAX_SENDER_CHARS = 128
# What a conversation keeps of one message once it has been read whole
# (clinic/rasa_patches/long_messages.py): the same as a crisis flag keeps.
MAX_KEPT_MESSAGE_CHARS = 5_000
# Events in one conversation session before it starts again (the policies
# replay a session on every message; clinic/rasa_patches/session_length.py).
MAX_SESSION_EVENTS = 2_000
# While a form is in progress a session may run this many events further: a new
# session would drop the form (a booking half given); still a bound.
MAX_FORM_EXTRA_EVENTS = 500
