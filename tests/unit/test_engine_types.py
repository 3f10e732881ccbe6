"""Every type, table-driven: a document titled with its type whose sentences fit the definition gets
that type and ``fits``; the same title over another type's content gets ``mismatch``.

The sentences are written here from the common core's definitions (rules/standard.toml), in the
plain Swedish a kommun writes; they are no copies of the shared cases.
"""

from __future__ import annotations

import pytest

from registry.rules.engine import classify
from registry.types import same_type

TITLES = {
    "vision": "Vision för Exempelby kommun 2040",
    "strategi": "Strategi för digitalisering",
    "program": "Program för kultur och fritid",
    "plan": "Plan för trafiksäkerhet",
    "handlingsplan": "Handlingsplan för minskad energianvändning",
    "policy": "Policy för bemötande",
    "riktlinje": "Riktlinjer för distansarbete",
    "regler": "Regler för användning av kommunens bilar",
    "rutin": "Rutin för hantering av allmänna handlingar",
    "anvisning": "Anvisning för inköp av datorer",
    "vägledning": "Vägledning för klarspråk",
    "checklista": "Checklista inför upphandling",
    "reglemente": "Reglemente för miljönämnden",
    "delegationsordning": "Delegationsordning för socialnämnden",
    "taxa": "Taxa för bygglov",
    "föreskrift": "Lokala ordningsföreskrifter för Exempelby kommun",
    "bolagsordning": "Bolagsordning för Exempelby Energi AB",
    "ägardirektiv": "Ägardirektiv för Exempelby Bostäder AB",
}

CONTENT = {
    "vision": [
        "Vi vill vara en kommun där alla kan växa och känna sig trygga år 2040.",
        "Framtidsbilden beskriver ett önskvärt framtida tillstånd: vart vi vill.",
        "Visionen är vår ledstjärna och ska genomsyra alla verksamheter.",
    ],
    "strategi": [
        "Strategin anger kommunens långsiktiga inriktning för digitaliseringen under de närmaste åren.",
        "Det övergripande målet är att invånarna ska möta en enkel och tillgänglig kommun.",
        "Vi prioriterar tre fokusområden som ska ligga till grund för nämndernas beslut och styrning.",
    ],
    "program": [
        "Programmet uttrycker den politiska viljeinriktningen för kultur- och fritidspolitiken.",
        "Det gäller samtliga nämnder och bolag och anger övergripande prioriteringar för sakområdet.",
        "Programmets målsättningar ska bidra till att visionen förverkligas.",
    ],
    "plan": [
        "Planen beskriver konkreta åtgärder och aktiviteter som ska genomföras under 2025–2027.",
        "För varje åtgärd anges vem som är ansvarig, en tidplan och hur den finansieras.",
        "Åtgärderna följs upp varje år med mätbara indikatorer utifrån en kartläggning av nuläget.",
    ],
    "handlingsplan": [
        "Handlingsplanen innehåller konkreta aktiviteter för att minska energianvändningen.",
        "Varje aktivitet har en ansvarig och ska vara klar senast 2026.",
        "Insatserna följs upp i samband med årsredovisningen och finansieras inom budget.",
    ],
    "policy": [
        "Kommunens förhållningssätt präglas av respekt, likabehandling och öppenhet.",
        "Policyn anger de grundläggande principer och värderingar som ska vägleda medarbetarna.",
        "Den är vägledande för beslut och bedömningar från fall till fall.",
    ],
    "riktlinje": [
        "Riktlinjerna anger hur distansarbete ska hanteras och vilka ramar som gäller.",
        "Chefen ansvarar för att bedöma i vilka fall distansarbete är lämpligt.",
        "Riktlinjerna gäller för alla medarbetare och omfattar även tillfälligt arbete hemifrån.",
    ],
    "regler": [
        "Det är förbjudet att använda kommunens bilar för privata resor och föraren får inte låna ut bilen.",
        "Föraren måste föra körjournal och är skyldig att rapportera skador.",
        "Villkor för att få låna en bil är att föraren har giltigt körkort; bestämmelserna gäller lika för alla.",
    ],
    "rutin": [
        "Rutinen beskriver steg för steg hur inkomna handlingar registreras.",
        "Först kontrollerar registratorn handlingen och därefter fördelas den till handläggare.",
        "Handläggaren dokumenterar åtgärden i systemet i det dagliga arbetet.",
    ],
    "anvisning": [
        "Anvisningen ger detaljerade instruktioner om inköp av datorer.",
        "Fyll i blanketten för beställning och använd mallen för behovsbeskrivning.",
        "Inköp sker inom ramen för kommunens riktlinjer för upphandling.",
    ],
    "vägledning": [
        "Vägledningen är ett stöd för dig som medarbetare när du skriver till invånare.",
        "Här får du tips och råd om vad du ska tänka på för att texten ska bli lätt att förstå.",
        "Vi ger exempel på vanliga frågor och ökar kunskapen om klarspråk.",
    ],
    "checklista": [
        "Kontrollera att behovet är beskrivet innan du börjar upphandlingen.",
        "Säkerställ att budgeten är beslutad och att avtalstiden är bestämd.",
        "Har du stämt av kraven med verksamheten? Glöm inte att dokumentera beslutet.",
    ],
    "reglemente": [
        "Nämnden ansvarar för kommunens uppgifter inom miljö- och hälsoskyddsområdet.",
        "Nämndens sammanträden hålls på dag och tid som nämnden bestämmer, och kallelse skickas till ledamöter och ersättare.",
        "Justering av protokoll sker senast fjorton dagar efter sammanträdet i enlighet med kommunallagen.",
    ],
    "delegationsordning": [
        "Delegationsordningen anger vilka beslut som fattas av delegat på nämndens vägnar.",
        "Beslut som fattas med stöd av delegering ska anmälas till nämnden.",
        "Delegaten får inte vidaredelegera sin beslutanderätt.",
    ],
    "taxa": [
        "Avgiften för bygglov tas ut enligt tabellen nedan i kronor.",
        "Timavgiften är 1 200 kr per timme och debiteras efter nedlagd tid.",
        "Avgifter räknas upp årligen med prisbasbeloppet.",
    ],
    "föreskrift": [
        "Föreskrifterna är meddelade med stöd av ordningslagen och gäller på offentlig plats.",
        "Det krävs tillstånd för att sätta upp affischer på allmän plats.",
        "Den som bryter mot föreskrifterna kan dömas till penningböter vid överträdelse.",
    ],
    "bolagsordning": [
        "Bolagets firma är Exempelby Energi AB och bolagets verksamhet är att producera fjärrvärme.",
        "Aktiekapitalet ska vara lägst 10 miljoner kronor.",
        "Ordinarie bolagsstämma hålls årligen före juni månads utgång.",
    ],
    "ägardirektiv": [
        "Bolaget ska bedriva sin verksamhet affärsmässigt med kommunen som ägare.",
        "Ägaren kräver en soliditet om minst 10 procent och en skälig avkastning.",
        "Bolagets styrelse ska rapportera till kommunstyrelsen två gånger per år.",
    ],
}

#: Content of another family put under each title: a clear contradiction of the label.
CONTRASTS = {
    "vision": "regler",
    "strategi": "rutin",
    "program": "regler",
    "plan": "policy",
    "handlingsplan": "vägledning",
    "policy": "strategi",
    "riktlinje": "program",
    "regler": "strategi",
    "rutin": "program",
    "anvisning": "vision",
    "vägledning": "regler",
    "checklista": "strategi",
    "reglemente": "plan",
    "delegationsordning": "plan",
    "taxa": "policy",
    "föreskrift": "vägledning",
    "bolagsordning": "rutin",
    "ägardirektiv": "vision",
}


def _document(title_type: str, content_type: str) -> str:
    return TITLES[title_type] + "\n" + " ".join(CONTENT[content_type])


@pytest.mark.parametrize("type_key", sorted(TITLES))
def test_a_document_titled_with_its_type_and_fitting_sentences_gets_that_type(rulesets, type_key):
    result = classify(_document(type_key, type_key), rulesets["standard"], stated_type=type_key)
    assert same_type(result.best_fit, type_key), (result.best_fit, result.scores)
    assert result.verdict == "fits", [f.message for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize("type_key", sorted(TITLES))
def test_the_same_title_over_another_types_content_is_a_mismatch(rulesets, type_key):
    other = CONTRASTS[type_key]
    result = classify(_document(type_key, other), rulesets["standard"], stated_type=type_key)
    assert result.verdict == "mismatch", (type_key, other, result.best_fit, result.scores)
    assert same_type(result.best_fit, other)
    codes = [f.code for f in result.findings]
    assert "definition_mismatch" in codes


@pytest.mark.parametrize("type_key", sorted(CONTENT))
def test_content_alone_tells_the_type_when_the_type_words_are_gone(rulesets, type_key):
    untitled = "Dokumentet\n" + " ".join(CONTENT[type_key])
    result = classify(untitled, rulesets["standard"])
    assert same_type(result.best_fit, type_key), (result.best_fit, result.scores)


@pytest.mark.parametrize(
    "title, doubted",
    [
        ("Reglemente för miljönämnden", False),
        ("Reglemente för kommunstyrelsen", False),
        ("Arvodesreglemente för förtroendevalda", True),
        ("Flaggreglemente", True),
    ],
)
def test_a_reglemente_that_names_no_organ_is_a_label_the_definition_doubts(rulesets, title, doubted):
    rules_text = " ".join(CONTENT["regler"])
    result = classify(f"{title}\n{rules_text}", rulesets["standard"], stated_type="reglemente")
    codes = [f.code for f in result.findings]
    assert ("label_doubted" in codes) is doubted
    if doubted:  # rules under a doubted label: the content need only lead
        assert result.verdict == "mismatch" and result.best_fit == "regler"


def test_a_reglemente_for_a_nämnd_with_its_tasks_fits(rulesets):
    result = classify(_document("reglemente", "reglemente"), rulesets["standard"], stated_type="reglemente")
    assert result.verdict == "fits" and "label_doubted" not in [f.code for f in result.findings]


#: Binding provisions in the plain words of a law-governed document: duties, a prohibition, a condition.
BINDING_CONTENT = {
    "delegationsordning": [
        "Beslut som fattas på styrelsens vägnar ska anmälas till styrelsen vid nästa sammanträde.",
        "Delegaten får inte besluta i ärenden av principiell beskaffenhet.",
        "Kommunstyrelsen får uppdra åt ett utskott eller en anställd att besluta i en viss grupp av ärenden.",
        "Delegaten är skyldig att följa gällande bestämmelser och måste alltid dokumentera beslutet.",
        "Beslut får endast fattas inom ramen för budget och ska alltid diarieföras.",
    ],
    "reglemente": [
        "Nämnden ska se till att verksamheten bedrivs i enlighet med de mål som fullmäktige bestämt.",
        "Nämnden får inte delegera beslut om verksamhetens inriktning.",
        "Nämnden ansvarar för kommunens uppgifter inom socialtjänsten och ska årligen rapportera till fullmäktige.",
        "Ledamot som vill väcka ett ärende måste göra det skriftligt och är skyldig att ange skälen.",
        "Ersättare får endast tjänstgöra när en ledamot är förhindrad och ska alltid kallas i turordning.",
    ],
    "föreskrift": [
        "Föreskrifterna är meddelade med stöd av ordningslagen och gäller på offentlig plats.",
        "Det är förbjudet att förtära alkohol på allmän plats inom detaljplanerat område.",
        "Den som vill sätta upp affischer måste ha tillstånd och ska ta bort dem inom en vecka.",
        "Hundar ska alltid hållas kopplade och föraren är skyldig att plocka upp efter hunden.",
        "Camping får endast ske på anvisade platser och villkor för tillstånd gäller lika för alla.",
    ],
}


@pytest.mark.parametrize("type_key", sorted(BINDING_CONTENT))
def test_binding_provisions_do_not_contradict_a_law_governed_name(rulesets, type_key):
    """Ska-krav and förbud are what a delegationsordning, a reglemente or a föreskrift holds by law:
    the title is not overruled as regler, while its own definition does not doubt it."""
    document = TITLES[type_key] + "\n" + " ".join(BINDING_CONTENT[type_key])
    result = classify(document, rulesets["standard"], stated_type=type_key)
    assert result.verdict == "fits", [f.message for f in result.findings if f.severity == "error"]
    assert same_type(result.best_fit, type_key), (result.best_fit, result.scores)


@pytest.mark.parametrize(
    "sentence, duty",
    [
        ("Medarbetaren ska anmäla bisysslor till sin chef.", True),
        ("Ansökan ska lämnas in senast den 1 mars.", True),
        ("Föreningen skall vara registrerad hos kommunen.", False),  # a state: "ska vara"
        ("Andelen förnybar energi ska öka till 2030.", False),  # an aim, not a norm for conduct
        ("Demokratin ska stärkas och utvecklas.", False),
        ("Utsläppen ska successivt minska.", False),
        ("Strategin ska tas fram under året.", False),  # about the document itself
    ],
)
def test_a_duty_is_a_norm_for_conduct_not_an_aim_or_a_state(sentence, duty):
    from registry.rules.engine.cues import linguistic_feature
    from registry.text.swedish import analyse

    unit = analyse(sentence)[0]
    assert linguistic_feature("#ska-krav", unit, {0} if "Strategin" in sentence else set()) is duty
