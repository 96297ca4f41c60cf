"""The service's risk questions, WSAS (Mundt et al.) and the end-of-therapy PEQ, version 1."""

from services.forms.catalogue.model import YES_NO, Item, Option, Questionnaire, scale
from services.forms.catalogue.phq9 import FREQUENCY

# Risk answers score "risk points": the answer that worries a clinician scores 1.
SAFE_NO = (Option("yes", "Yes", 0), Option("no", "No", 1))

RISK_V1 = Questionnaire(
    key="risk",
    version=1,
    title="Keeping you safe",
    instructions="These questions help your therapist check how safe you are right now.",
    items=(
        Item(
            "risk-1",
            "In the last 2 weeks, have you had thoughts of harming yourself or ending your life?",
            FREQUENCY,
        ),
        Item("risk-2", "Have you made any plans to harm yourself or end your life?", YES_NO),
        Item("risk-3", "Do you intend to act on these thoughts?", YES_NO),
        Item(
            "risk-4",
            "Do you have access to something you could use to harm yourself,"
            " such as stored medicines?",
            YES_NO,
        ),
        Item(
            "risk-5", "Is there anyone or anything helping you to stay safe at the moment?", SAFE_NO
        ),
        Item("risk-6", "Have you had thoughts of harming someone else?", YES_NO),
        Item("risk-7", "Are you worried about the safety of a child or an adult you know?", YES_NO),
    ),
)

IMPAIRMENT = scale("Not at all impaired", "1", "Slightly", "3", "Definitely", "5",
                   "Markedly", "7", "Very severely")  # fmt: skip
WSAS_TEXTS = (
    "Because of my problem my ability to work is impaired",
    "Because of my problem my home management is impaired",
    "Because of my problem my social leisure activities are impaired",
    "Because of my problem my private leisure activities are impaired",
    "Because of my problem my ability to form and maintain close relationships is impaired",
)
WSAS_V1 = Questionnaire(
    key="wsas",
    version=1,
    title="Work and social adjustment",
    instructions="How much does your problem affect these parts of your life?",
    items=tuple(Item(f"wsas-{n}", text, IMPAIRMENT) for n, text in enumerate(WSAS_TEXTS, 1)),
)

HOW_OFTEN = (*scale("Never", "Rarely", "Sometimes", "Most of the time", "At all times"),
             Option("na", "Not applicable", None))  # fmt: skip
YES_NO_NA = (*YES_NO, Option("na", "Not applicable", None))
SATISFACTION = scale("Not at all satisfied", "Slightly satisfied", "Moderately satisfied",
                     "Mostly satisfied", "Completely satisfied")  # fmt: skip
PEQ_V1 = Questionnaire(
    key="peq",
    version=1,
    title="Your feedback on the service",
    instructions="Thinking about your therapy, please tell us how it was for you.",
    items=(
        Item("peq-1", "Staff listened to me and treated my concerns seriously", HOW_OFTEN),
        Item(
            "peq-2",
            "The service helped me to better understand and address my difficulties",
            HOW_OFTEN,
        ),
        Item("peq-3", "I felt involved in making choices about my treatment and care", HOW_OFTEN),
        Item("peq-4", "On reflection, I got the help that mattered to me", HOW_OFTEN),
        Item("peq-5", "I had confidence in my therapist and their skills", HOW_OFTEN),
        Item(
            "peq-6",
            "Were you given information about the treatment options for your problem?",
            YES_NO_NA,
        ),
        Item("peq-7", "Were you satisfied with your appointment times and place?", YES_NO_NA),
        Item("peq-8", "Overall, how satisfied are you with the help you received?", SATISFACTION),
        Item("peq-9", "Is there anything else you would like to tell us?", required=False),
    ),
)
