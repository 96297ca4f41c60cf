"""PHQ-9 (Kroenke, Spitzer and Williams; free to use) and GAD-7 (Spitzer et al.), version 1."""

from services.forms.catalogue.model import Item, Questionnaire, scale

FREQUENCY = scale("Not at all", "Several days", "More than half the days", "Nearly every day")
OVER_TWO_WEEKS = "Over the last 2 weeks, how often have you been bothered by the following?"

PHQ9_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself, or that you are a failure or have let yourself or your"
    " family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed; or the opposite,"
    " being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead, or of hurting yourself in some way",
)
GAD7_TEXTS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

PHQ9_V1 = Questionnaire(
    key="phq9",
    version=1,
    title="PHQ-9: how you have been feeling",
    instructions=OVER_TWO_WEEKS,
    items=tuple(Item(f"phq9-{n}", text, FREQUENCY) for n, text in enumerate(PHQ9_TEXTS, 1)),
)
GAD7_V1 = Questionnaire(
    key="gad7",
    version=1,
    title="GAD-7: worry and anxiety",
    instructions=OVER_TWO_WEEKS,
    items=tuple(Item(f"gad7-{n}", text, FREQUENCY) for n, text in enumerate(GAD7_TEXTS, 1)),
)
