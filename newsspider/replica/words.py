"""Made-up vocabulary for the replica's synthetic text, and Bulgarian transliteration.

Nothing here is article text: sentences are random strings of these words.
"""

from __future__ import annotations

import random
import re

_EN = """
    government minister council city river market bridge station report budget plan
    office region village school hospital court police border harbour winter summer
    spring autumn morning evening energy price water bread coffee train airport road
    tunnel museum theatre festival concert stadium team coach player season record
    company factory worker union bank loan tax salary pension reform vote election party
    leader mayor citizen visitor tourist mountain valley forest lake coast sea storm
    rain snow wind heat drought harvest farmer grain wine cheese honey garden street
    square park library archive scientist study data signal network device battery
    engine vehicle bicycle ticket schedule delay project contract tender committee
    agency inspector audit statement meeting summit agreement partner neighbour province
    capital district northern southern eastern western central local national public
    private new old large small quiet busy early late final first second third annual
    weekly daily recent strong weak rapid slow careful open said announced confirmed
    reported expected planned approved rejected opened closed started finished visited
    discussed prepared reviewed increased reduced changed remained moved built repaired
    measured counted published presented received
"""
_BG = """
    правителство министър съвет град река пазар мост гара доклад бюджет план офис регион
    село училище болница съд полиция граница пристанище зима лято пролет есен сутрин
    вечер енергия цена вода хляб кафе влак летище път тунел музей театър фестивал
    концерт стадион отбор треньор играч сезон рекорд компания завод работник синдикат
    банка заем данък заплата пенсия реформа гласуване избори партия лидер кмет гражданин
    посетител турист планина долина гора езеро бряг море буря дъжд сняг вятър жега суша
    реколта фермер зърно вино сирене мед градина улица площад парк библиотека архив учен
    проучване данни сигнал мрежа устройство батерия двигател автомобил колело билет
    разписание закъснение проект договор търг комисия агенция инспектор одит изявление
    среща споразумение партньор съсед област столица район северен южен източен западен
    централен местен национален обществен частен нов стар голям малък тих оживен ранен
    късен последен първи втори трети годишен седмичен дневен скорошен силен слаб бърз
    бавен внимателен отворен каза обяви потвърди съобщи очаква планира одобри отхвърли
    откри затвори започна завърши посети обсъди подготви прегледа увеличи намали промени
    остана премести построи ремонтира измери преброи публикува представи получи
"""
EN_WORDS: tuple[str, ...] = tuple(_EN.split())
BG_WORDS: tuple[str, ...] = tuple(_BG.split())

EN_NAMES: tuple[str, ...] = (
    "Ivan Petrov",
    "Maria Georgieva",
    "Nikola Dimitrov",
    "Elena Stoyanova",
    "Georgi Kolev",
    "Desislava Ivanova",
    "Stefan Marinov",
    "Vesela Todorova",
    "Petar Angelov",
    "Ralitsa Nikolova",
)
BG_NAMES: tuple[str, ...] = (
    "Иван Петров",
    "Мария Георгиева",
    "Никола Димитров",
    "Елена Стоянова",
    "Георги Колев",
    "Десислава Иванова",
    "Стефан Маринов",
    "Весела Тодорова",
    "Петър Ангелов",
    "Ралица Николова",
)
BG_ROLES: tuple[str, ...] = ("Автор във Fakti.bg", "Главен редактор във Fakti.bg")
BG_TOPICS: tuple[str, ...] = (
    "Украйна",
    "Избори",
    "Бюджет",
    "Енергетика",
    "Времето",
    "Транспорт",
    "Здравеопазване",
)
BG_TAGS: tuple[str, ...] = (
    "София",
    "Пловдив",
    "Варна",
    "Бургас",
    "икономика",
    "общини",
    "пътища",
    "цени",
    "енергия",
    "образование",
    "спорт",
    "култура",
    "наука",
    "туризъм",
)
PHOTO_SOURCES: tuple[str, ...] = ("БГНЕС", "Архив", "Shutterstock", "Fakti.bg", "Pixabay")
#: Subtitles that look like junk but are shown, so they are the subtitle.
JUNK_SUBTITLES: tuple[str, ...] = ("...", "-", ".", "Видео", "UPDATE", "+ВИДЕО", "—")

_TRANSLIT = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъьюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "ts",
            "ch",
            "sh",
            "sht",
            "a",
            "y",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """Bulgarian Cyrillic to Latin (streamlined system), lower-case."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def slugify(text: str) -> str:
    """A URL slug: transliterated, lower-case ASCII words joined by hyphens."""
    return _NON_SLUG.sub("-", transliterate(text)).strip("-")


def words(rng: random.Random, lang: str, n: int) -> list[str]:
    """``n`` random words of the given edition's vocabulary."""
    return rng.choices(BG_WORDS if lang == "bg" else EN_WORDS, k=n)


def sentence(rng: random.Random, lang: str, *, low: int = 8, high: int = 20) -> str:
    """One capitalised sentence with a comma or a number now and then, ending in a period."""
    ws = words(rng, lang, rng.randint(low, high))
    if rng.random() < 0.4:
        ws[rng.randrange(1, len(ws) - 1)] += ","
    if rng.random() < 0.3:
        ws.insert(rng.randrange(1, len(ws)), str(rng.randint(2, 2400)))
    text = " ".join(ws)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, lang: str) -> str:
    """Two to five sentences."""
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(2, 5)))
