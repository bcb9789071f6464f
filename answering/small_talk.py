"""Small talk: a friendly reply to greetings, thanks and goodbyes, not an answer. Pure.

Greetings, thanks, goodbyes and acknowledgements get no answer from the articles.

Only a message that is small talk from end to end counts ("thanks!", "hi there", "Привіт!",
"ok, thank you so much 🙏"); one that goes on to ask something ("hello, how many drones were
shot down?") is a question.
"""

from __future__ import annotations

import enum
import re

from answering.english_only import DECLINED
from answering.types import Answer
from prompts.i18n import detect_language, t

#: Longer messages are never small talk (in words, fillers included).
MAX_WORDS = 10
#: Example questions offered with the reply (``telegram.example_<n>``, from 1).
EXAMPLES = 3


class SmallTalk(enum.StrEnum):
    """The kind of small talk; its value names the reply (``small_talk.<value>``)."""

    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    ACK = "ack"


_PHRASES: dict[SmallTalk, str] = {
    SmallTalk.GREETING: """
        hi | hello | hey | hiya | howdy | greetings | yo | hi hi | hey hey | hello hello
        | good morning | good afternoon | good evening | good day | morning | evening
        | how are you | how are you doing | how is it going | how's it going | what's up
        | whats up | sup | nice to meet you
        | привіт | привітик | вітаю | вітання | добрий день | доброго дня | добрий ранок
        | доброго ранку | добрий вечір | доброго вечора | здрастуйте | здоровенькі були | агов
        | як справи | хай
        | привет | приветик | приветствую | здравствуйте | здравствуй | добрый день
        | доброе утро | добрый вечер | доброго утра | доброго вечера | здорово | салют
        | как дела | как ты
        | 👋
    """,
    SmallTalk.THANKS: """
        thanks | thank you | thank u | thankyou | thx | thnx | tnx | ty | tysm | cheers
        | many thanks | thanks a lot | much appreciated | appreciated | appreciate it
        | дякую | дякс | дяки | спасибі | спасибо | спс | пасиб | пасибо | благодарю
        | мерси | 🙏
    """,
    SmallTalk.GOODBYE: """
        bye | bye bye | goodbye | good bye | good night | see you | see ya | see you later
        | later | cya | take care | farewell
        | бувай | бувайте | до побачення | на все добре | добраніч | на добраніч | па
        | пока | до свидания | всего доброго | всего хорошего | спокойной ночи
    """,
    SmallTalk.ACK: """
        ok | okay | okey | k | kk | got it | great | cool | nice | perfect | awesome | good
        | fine | alright | all right | understood | i see | ok then | wow
        | ок | окей | добре | гаразд | зрозуміло | ясно | чудово | супер | клас | круто
        | хорошо | ладно | понятно | отлично | класс
        | 👍 | 👌 | 🙂 | 😊 | ❤
    """,
}
#: Words that may stand beside small talk without making it a question.
_FILLERS = """
    bot | newsbot | there | all | everyone | guys | friend | mate | man | dear | again | so much
    | very much | a lot | a bunch | for the answer | for the answers | for your help
    | for the help | for help | for that | for this | then | oh | and | you too | too
    | бот | ботик | тобі | вам | тебе | за відповідь | за допомогу | ще раз | дуже | велике
    | щиро | красно | друже | і | та | теж
    | за ответ | за помощь | ещё раз | еще раз | большое | огромное | очень | друг | и | тоже
"""
#: Of several kinds in one message, the first here names the reply ("ok, thanks" is thanks).
_PRIORITY = (SmallTalk.THANKS, SmallTalk.GOODBYE, SmallTalk.GREETING, SmallTalk.ACK)


#: The emoji that are small talk (others are ignored like punctuation).
_EMOJI = "👋🙏👍👌🙂😊❤"
_TOKEN = re.compile(rf"[\w']+|[{_EMOJI}]")
_MENTION = re.compile(r"@\w+")


def _tokens(text: str) -> tuple[str, ...]:
    """Lowercase words and small-talk emoji; mentions, punctuation, other symbols dropped."""
    text = _MENTION.sub(" ", text.lower().replace("’", "'").replace("ё", "е"))
    return tuple(_TOKEN.findall(text))


def _table() -> dict[tuple[str, ...], SmallTalk | None]:
    table: dict[tuple[str, ...], SmallTalk | None] = {
        _tokens(phrase): None for phrase in _FILLERS.split("|")
    }
    for kind, phrases in _PHRASES.items():
        table.update({_tokens(phrase): kind for phrase in phrases.split("|")})
    return table


_TABLE = _table()
_LONGEST = max(len(phrase) for phrase in _TABLE)


def small_talk_kind(text: str) -> SmallTalk | None:
    """The kind of small talk ``text`` is, or None when it is (or holds) anything else."""
    tokens = _tokens(text)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    kinds: set[SmallTalk] = set()
    at = 0
    while at < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - at), 0, -1):
            phrase = tokens[at : at + size]
            if phrase in _TABLE:
                kind = _TABLE[phrase]
                if kind is not None:
                    kinds.add(kind)
                at += size
                break
        else:
            return None  # a word that is not small talk: a question
    return next((kind for kind in _PRIORITY if kind in kinds), None)


def example_questions(lang: str) -> tuple[str, ...]:
    """The example questions offered in ``lang`` (those of the /start greeting)."""
    return tuple(t(f"telegram.example_{n}", lang) for n in range(1, EXAMPLES + 1))


def small_talk_answer(
    question: str, lang_hint: str | None = None, *, english_only: bool = False
) -> Answer | None:
    """The friendly reply to small talk, in its language, with example questions; None when
    ``question`` is not small talk. ``english_only``: questions are read in English only, so
    the examples are English ones (and a non-English greeting is told so)."""
    kind = small_talk_kind(question)
    if kind is None:
        return None
    lang = detect_language(question, lang_hint)
    foreign = english_only and lang != "en"
    return Answer(
        question,
        None,
        lang=lang,
        notice=DECLINED if foreign else None,
        small_talk=kind.value,
        examples=example_questions("en" if english_only else lang),
    )
