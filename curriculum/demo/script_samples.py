"""A small fixed document per language (one per script at least), built without the database: the visual references, the glyph checks and the word-recall bench use it."""

from datetime import UTC, datetime

from curriculum.models import Curriculum
from curriculum.resolution import ResolvedBlock, ResolvedEdition, ResolvedModule

# Yoruba tone marks are written with combining characters (e + dot below + grave), as
# Nigerian keyboards produce them; NFC cannot compose all of them into one code point.
BUTTERFLY = "\U0001f98b"  # an emoji: fonts-noto-core has no emoji font
PRIVATE_USE = "\ue000"
YORUBA = "Ọ̀rọ̀ e\u0323\u0300kọ\u0301: ẹ kú iṣẹ́, ọmọ ọba."

SAMPLES = {
    "en": {
        "title": "Listening with purpose",
        "body": "Leadership is a practice: listen first, then speak. Session 3 takes 45 minutes (with a break).",
        "items": ["Speak clearly", "Listen fully", "Agree on one next step"],
    },
    "fr": {
        "title": "Écouter avec intention",
        "body": "Le leadership est une pratique : écoutez d'abord, parlez ensuite. La séance 3 dure 45 minutes (avec une pause).",
        "items": ["Parlez clairement", "Écoutez pleinement", "Mettez-vous d'accord sur la prochaine étape"],
    },
    "es": {
        "title": "Escuchar con propósito",
        "body": "El liderazgo es una práctica: primero escuche, después hable. La sesión 3 dura 45 minutos (con un descanso).",
        "items": ["Hable con claridad", "Escuche plenamente", "Acuerden el siguiente paso"],
    },
    "pt": {
        "title": "Ouvir com propósito",
        "body": "A liderança é uma prática: primeiro ouça, depois fale. A sessão 3 dura 45 minutos (com um intervalo).",
        "items": ["Fale com clareza", "Ouça com atenção", "Combinem o próximo passo"],
    },
    "ar": {
        "title": "الإصغاء الهادف",
        "body": "القيادة ممارسة: استمعي أولاً ثم تكلّمي. تستغرق الجلسة 3 مدة 45 دقيقة (مع استراحة).",
        "items": ["تحدّثي بوضوح", "أصغي جيداً", "اتفقن على خطوة تالية"],
    },
    "fa": {
        "title": "گوش دادن هدفمند",
        "body": "رهبری یک تمرین است: اول گوش می‌دهیم، بعد حرف می‌زنیم. جلسهٔ ۳ چهل‌وپنج دقیقه طول می‌کشد (با یک استراحت).",
        "items": ["روشن صحبت کنید", "کامل گوش کنید", "روی یک قدم بعدی توافق کنید"],
    },
    "ur": {
        "title": "بامقصد سننا",
        "body": "قیادت ایک مشق ہے: پہلے سنیں، پھر بولیں۔ تیسرا سیشن پینتالیس منٹ کا ہے (ایک وقفے کے ساتھ)۔",
        "items": ["صاف بات کریں", "پوری توجہ سے سنیں", "اگلے قدم پر اتفاق کریں"],
    },
    "ru": {
        "title": "Слушать с целью",
        "body": "Лидерство — это практика: сначала слушайте, потом говорите. Занятие 3 длится 45 минут (с перерывом).",
        "items": ["Говорите ясно", "Слушайте полностью", "Договоритесь о следующем шаге"],
    },
    "tg": {
        "title": "Гӯш кардан бо мақсад",
        "body": "Роҳбарӣ амал аст: аввал гӯш кунед, баъд гап занед. Ҷаласаи 3 чилу панҷ дақиқа давом мекунад (бо танаффус).",
        "items": ["Равшан гап занед", "Пурра гӯш кунед", "Дар бораи қадами навбатӣ ҳамфикр шавед"],
    },
    "ky": {
        "title": "Максаттуу угуу",
        "body": "Лидерлик — бул практика: адегенде угуңуз, анан сүйлөңүз. Үчүнчү сабак 45 мүнөткө созулат (тыныгуу менен).",
        "items": ["Ачык сүйлөңүз", "Толук угуңуз", "Кийинки кадам боюнча макулдашыңыз"],
    },
    "uz": {
        "title": "Maqsadli tinglash",
        "body": "Yetakchilik — bu amaliyot: avval tinglang, keyin gapiring. Uchinchi mashg‘ulot 45 daqiqa davom etadi (tanaffus bilan).",
        "items": ["Aniq gapiring", "To‘liq tinglang", "Keyingi qadam bo‘yicha kelishib oling"],
    },
    "hi": {
        "title": "उद्देश्य के साथ सुनना",
        "body": "नेतृत्व एक अभ्यास है: पहले सुनिए, फिर बोलिए। तीसरा सत्र पैंतालीस मिनट का है (एक विराम के साथ)। संख्या और क्षमता बढ़ती है।",
        "items": ["स्पष्ट बोलिए", "पूरी तरह सुनिए", "अगले क़दम पर सहमत होइए"],
    },
    "bn": {
        "title": "উদ্দেশ্য নিয়ে শোনা",
        "body": "নেতৃত্ব একটি অনুশীলন: আগে শুনুন, তারপর বলুন। তৃতীয় অধিবেশন পঁয়তাল্লিশ মিনিটের (একটি বিরতিসহ)। সংখ্যা ও ক্ষমতা বাড়ে।",
        "items": ["স্পষ্ট করে বলুন", "পুরোপুরি শুনুন", "পরের পদক্ষেপে একমত হোন"],
    },
    "sw": {
        "title": "Kusikiliza kwa makusudi",
        "body": "Uongozi ni mazoezi: sikiliza kwanza, kisha zungumza. Kipindi cha 3 kinachukua dakika 45 (pamoja na mapumziko).",
        "items": ["Ongea kwa uwazi", "Sikiliza kikamilifu", "Kubalianeni hatua inayofuata"],
    },
    "ha": {
        "title": "Sauraro da manufa",
        "body": f"Shugabanci aiki ne: ku saurara da farko, sannan ku yi magana. Ɗaki, ƙarfi, ɓarna, ƴaƴa. {YORUBA}",
        "items": ["Ku yi magana a fili", "Ku saurara sosai", "Ku yarda kan mataki na gaba"],
    },
}
SCRIPT_LANGUAGES = tuple(SAMPLES)
FIXED_DATE = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def sample_markdown(language):
    sample = SAMPLES[language]
    items = "\n".join(f"- {item}" for item in sample["items"])
    return f"{sample['body']}\n\n{items}\n\n1. {sample['items'][0]}\n2. {sample['items'][1]}\n\n| A | 2026 |\n|---|---|\n| {sample['items'][2]} | 45 |\n"


def sample_edition(language):
    """A one-module edition in this language, built without the database: the same document every time."""
    sample = SAMPLES[language]
    blocks = [
        ResolvedBlock(key="text", kind="text", title=sample["title"], body=sample_markdown(language), language=language, is_fallback=False),
        ResolvedBlock(key="note", kind="facilitator_note", title=sample["items"][0], body=sample["body"], language=language, is_fallback=False),
    ]  # fmt: skip
    module = ResolvedModule(
        slug="session-3", kind="session", position=3, duration_minutes=45, title=sample["title"],
        title_language=language, topic="", summary=sample["items"][1], summary_language=language,
        version_id=1, version_number=2, blocks=blocks,
    )  # fmt: skip
    return ResolvedEdition(
        curriculum=Curriculum(slug="scripts"), partner=None, language=language, title=sample["title"],
        title_language=language, description=sample["body"], description_language=language, modules=[module],
    )  # fmt: skip


def sample_words(language):
    """The words of the sample's own text, for recall measurements."""
    sample = SAMPLES[language]
    return " ".join([sample["title"], sample["body"], *sample["items"]])
