"""Build the module notebooks (``NN_*.ipynb``) from the narrative below.

Every notebook gets the same frame: the title and the disclaimer (``course.DISCLAIMER``),
the learning objectives (``course.notebook.objectives``), the module's body, a
reflection, the self-check quiz (``course.quiz.show``) and the sources cited. The
body is thin narrative in markdown; every medical fact is rendered from the
knowledge base by a code cell. Notebooks are written without outputs.

    python notebooks/build.py           # write the notebooks
    python notebooks/build.py --check   # exit 1 if a committed notebook differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from course import DISCLAIMER, syllabus

HERE = Path(__file__).parent
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
Cell = tuple[str, str]  # ("markdown" | "code", source)


def md(source: str) -> Cell:
    return ("markdown", source.strip())


def code(source: str) -> Cell:
    return ("code", source.strip())


SETUP = code("""
from course import knowledge, notebook as nb
kb = knowledge.load()
nb.objectives("{module}")
""")

QUIZ = [
    md("""
## Self-check
Answer the quiz without looking back first; each answer gives feedback with its sources, and
your attempt is recorded for your progress view (module 00).
"""),
    code("""
from course import quiz
quiz.show("{module}")
"""),
    md("## Sources"),
    code("nb.references()"),
]

BODIES: dict[str, list[Cell]] = {}

BODIES["00"] = [
    md("""
## How the course works
Each module is a notebook: a short narrative, tables rendered from the course's knowledge base,
one or more interactive scenarios and a self-check quiz. Run the cells from top to bottom
(**Run → Run All Cells**, or **Shift+Enter** cell by cell); the scenarios answer as soon as you change
a control.

**JupyterLab or the apps?** In JupyterLab you see the code behind each table and scenario and can
change it: use it when you want to explore or check how an answer is reached. The scenario modules
(03, 04, 06, 07, 08) can also be served as apps, which show the narrative and the widgets without
code: use them when code gets in the way.
"""),
    md("""
## Reading a fact
Every fact in the course is stated once, in the knowledge base, with its sources and one of these
evidence labels:
"""),
    code("nb.evidence_labels()"),
    md("""
- **seed claim**: what one of the clinic or marketing articles the course was built from says,
  in the seed's own words (the knowledge base keeps the verbatim quotation with every seed claim);
- **practice guidance**: what a society, a consensus or a training source advises;
- **published study**: what a published study or review found;
- **regulatory**: what a regulator or a product label states;
- **course policy**: what the course adds itself (an interval, a pairing, a triage level, a
  verdict), always followed by the reason the course gives for it.

Sources are cited in square brackets: hover over one to see its full title and reference. Where
sources disagree, the course shows each source's value side by side, in its own words, and never
averages them; where there is no reliable figure, it says so. Every module ends with the list of
sources it cited.
"""),
    md("## The modules"),
    code("nb.course_map()"),
    md("""
## Your progress
The plot shows your best quiz score per module and per competency, from your recorded attempts.
It is empty until you take your first quiz.
"""),
    code("""
from course import progress
progress.show_progress()
"""),
    md("""
## Due today: spaced review
What is not reviewed is forgotten. Every quiz answer you check schedules that item's next review
just before you would be likely to forget it (the FSRS scheduler): a wrong answer comes back soon,
a right one later each time. The table shows what is due now per module and competency.
"""),
    code("""
from course import review
review.show_due()
"""),
    md("""
## Review
The review presents the items due now one after another, with the same feedback and sources as
the module quizzes, mixed with fresh practice items whose answers the course's engines compute
(screening, depth, course planning, cocktails); they count toward your progress too. When nothing
is due, **Practise more** gives new items without end. To be reviewed more often, raise your target
retention, for example `review.set_target_retention(0.95)` (the default is 0.9).
"""),
    code("review.review()"),
]

BODIES["01"] = [
    md("""
## Where mesotherapy comes from
The history as the seeds tell it, and where the name comes from (which skin layer is injected is
one of the disputes below):
"""),
    code('nb.facts(kb.disputes.history, "History")'),
    md("""
## The seeds contradict each other
The course was built from five clinic and marketing articles (the *seeds*). They do not agree: on
whether mesotherapy is invasive, how long its effects last, when results appear, which layer of
the skin is injected, who may inject, whether sun exposure matters, whether it hurts and needs
downtime, and how safe it is (seed 000 even makes its safety claim depend on blood tests). Each
table sets every source's position side by side, in its own words, then says what the course
teaches and on which sources; where the course decides itself, it is labelled course policy and
says why.
"""),
    code("nb.disputes()"),
    md("""
## Scenario: weigh the sources
Pick a question. Before you reveal what the course teaches, decide which position you would defend
to a patient, and why: who says it, and with what kind of evidence?
"""),
    code("""
from course.widgets.disputes import DisputeExplorer
DisputeExplorer()
"""),
    md("## What published evidence says"),
    code('nb.facts(kb.disputes.evidence_statements, "Published evidence")'),
    md("""
## Reflection
- A patient has read that mesotherapy is non-invasive and free of risk. What do you answer, and
  which sources do you cite?
- Which of the seed claims above would you no longer repeat to a patient?
- Seed 000 accepts a doctor or a trained practitioner; the Italian consensus says physicians only.
  What decides who may inject where you work?
"""),
]

BODIES["02"] = [
    md("""
## What mesotherapy is claimed to treat
Each indication with the body areas it concerns, who claims it and what evidence exists. Read the
evidence labels: which indications rest on seed claims alone? The roles a cocktail should cover
are the course's own pairing (course policy), built from what the seeds link to each indication:
the seed's words it rests on are kept with it.
"""),
    code("nb.indications()"),
    md("""
## Scenario: one area at a time
Choose a body area. Which indications are claimed there? Which of them have a published-study
or regulatory entry, and what does it say?
"""),
    code("""
from course.widgets.indications import AreaExplorer
AreaExplorer()
"""),
    md("## What mesotherapy is not"),
    code('nb.facts(kb.not_a_substitute_for, "Not a substitute for")'),
    md("""
## Reflection
- A patient asks for mesotherapy to "melt" fat on the abdomen. Using the tables, what do you tell
  them?
- For which area would you tell a patient that the evidence is weakest?
"""),
]

BODIES["03"] = [
    md("""
## Ingredient roles
A cocktail is described by the roles its ingredients are claimed to play. An ingredient gets a
role only where a source ties that role to it by name; some ingredients the seeds only name.
"""),
    code('nb.entries(kb.roles.values(), "Ingredient roles")'),
    md("""
## Ingredients, evidence, cautions and regulatory status
Read the evidence column before the roles: a claimed role is not a demonstrated effect.
"""),
    code("nb.ingredients()"),
    md("""
## Hormones and "medicines" in cocktails
Some seeds put hormones and unnamed "medicines" in their cocktails. What the course knows about
them, and what it does not:
"""),
    code('nb.facts(kb.unnamed_contents, "Hormones and medicines in cocktails")'),
    md("""
## Scenario: build a cocktail
1. Choose an indication and select ingredients until no role is missing. Which cautions appear?
2. Choose the localized fat indication and the ingredient that covers its role. Read the
   regulatory flags: could you offer it?
3. Tick **Add a patient** and mark her pregnant, then add organic silicon. Which ingredients are
   excluded, and what does screening decide?
"""),
    code("""
from course.widgets.cocktail import CocktailBuilder
CocktailBuilder()
"""),
    md("""
## Reflection
- Which ingredients in the table have no trial of their own? How would you explain that to a
  patient who asks what is in the syringe?
- A colleague who is pregnant offers to prepare a dutasteride solution. What do you say, and why?
- Why does the builder exclude an ingredient for one patient and not for another?
"""),
]

BODIES["04"] = [
    md("""
## Skin layers by area
The thickness of each layer as the sources give it. Where no source gives a figure the course
says so and does not invent one. Every figure is a range: where a depth lies in one layer under
the low end of a range and in another under the high end, the course says "either, depending on
the patient" and never grades one of them as the only answer.
"""),
    code("nb.layers()"),
    md("""
## Injection depth: the techniques
The course names depths with a teaching scheme; other sources' figures are kept beside it,
especially where they disagree.
"""),
    code("nb.depth_scheme()"),
    code('nb.facts(kb.techniques.needles_and_volumes, "Needles and volumes")'),
    md("""
## A technique's name is not a layer
The scheme names its levels after layers ("superficial intradermal", "intradermal"), but a level
is a band of depths, the same on every area. The table puts each band against the course's layer
figures for a few areas: where the band cannot reach the layer its name points to, it is flagged.
The sources' figures behind this disagreement follow it.
"""),
    code("nb.technique_layers()"),
    code('nb.disputes(["technique_names_vs_layers"])'),
    md("""
So the course grades layers, not names. A "which needle and angle" question names a target
layer on an area and accepts every available needle and angle whose tip, fully inserted, is
certainly in that layer there (`course.depth.placements`); a "which layer" question uses a depth
that lies in one layer, or accepts every layer the tip can be in (`course.depth.possible_layers`).
When a single layer is named (`course.depth.layer_at`), it is the deepest the tip can be in: the
course warns early rather than late about a deep tip.
"""),
    md("""
## Scenario: the depth explorer
The depth of the tip is the inserted length of the needle times the sine of its angle to the skin
surface. Move the controls and watch the tip, the layers it can be in and the scheme's name.
1. Keep the face and the target layer "dermis". Which needles and angles make the verdict green?
   What does the teaching scheme call those depths?
2. Find a needle and angle for which the scheme says "superficial intradermal" but the verdict
   says the tip is not in the dermis of the face. What does the warning under the scheme's name say?
3. Insert the needle perpendicular to the skin and switch between the face as a whole, the forehead
   and the chin. Why can the face as a whole show two possible layers where each site shows one?
4. Choose the scalp with a deep tip, then the abdomen. Why does the explorer refuse to name a layer?
"""),
    code("""
from course.widgets.depth import DepthExplorer
DepthExplorer()
"""),
    md("""
## Reflection
- Two sources name the same technique with different depths. Which figure do you use, and how do
  you record your choice?
- A colleague says she injects "intradermally" in the face with the scheme's intradermal depths.
  What do you ask her, and what do you tell her about the layer her tip is in?
- What would you need to know before treating an area for which the course has no reliable figure?
"""),
]

BODIES["05"] = [
    md("## Injection methods"),
    code('nb.entries(kb.techniques.methods, "Injection methods")'),
    md("## Devices"),
    code('nb.entries(kb.techniques.devices, "Devices")'),
    md("## Autologous (PRP) and classical cocktails"),
    code('nb.entries(kb.techniques.cocktail_types, "Cocktail types")'),
    md("""
## Where the seeds disagree on the session
How long a session lasts, how pain is relieved, whether it hurts and whether there is downtime:
"""),
    code('nb.disputes(["session_length", "pain_relief", "pain", "downtime"])'),
    md("""
## Scenario: a session, step by step
Before each step, say what comes next and why; then reveal it.
"""),
    code("""
from course.widgets.session import SessionWalkthrough
SessionWalkthrough()
"""),
    md("""
## Reflection
- Which step of the session protects the patient most, in your view? Which step is most often
  skipped in a busy clinic?
- A colleague proposes a reusable multi-injector to save time. What do the sources say?
"""),
]

BODIES["06"] = [
    md("""
## The seeds' protocols
Each seed states its own course of sessions. The course keeps each as its source states it and
never averages them.
"""),
    code("nb.protocols()"),
    code('nb.disputes(["face_course", "results_onset"])'),
    md("""
## Before the first session
The interval for NSAIDs is course policy: seed 004 gives its interval for aspirin only, and seed 000
names NSAIDs without one. The table says why the course chose it.
"""),
    code('nb.facts(kb.care.pre_treatment, "Pre-treatment steps")'),
    md("""
## Scenario: plan a course
Choose a protocol and the date of the first session. The planner gives the session dates, the
dated pre-treatment steps, the first maintenance window and the aftercare.
1. Plan the face protocols from the same date. Which one ends first? Which one asks for the most
   visits?
2. Choose more sessions where the protocol allows it. What moves, and what stays?
"""),
    code("""
from course.widgets.planner import CoursePlanner
CoursePlanner()
"""),
    md("""
## The protocols compared
Every protocol planned from the same first date, on one timeline:
"""),
    code("""
from course.widgets.planner import ProtocolComparison
ProtocolComparison()
"""),
    md("""
## Reflection
- A patient wants to be "done" before a date. Which protocol fits, and what do you tell her about
  maintenance?
- Why does the course not average the protocols into one?
"""),
]

BODIES["07"] = [
    md("""
## The screening rules
The course screens with a fixed set of sourced rules. When several fire, the most severe decision
applies. Each rule's evidence label says where it comes from: a seed claim shows the seed's own
words; "regulatory" marks the product label's contraindications and the regulators' warnings about
injected ingredients; "course policy" marks what the course adds itself, with its reason, such as
the interval after aspirin or an NSAID.
"""),
    code("nb.screening_rules()"),
    code('nb.disputes(["aspirin_stop"])'),
    md("""
## Beyond the course's rules
Other sources list further contraindications that the rules above do not apply. Know them, and
ask about them.
"""),
    code('nb.facts(kb.screening.other_contraindications, "Other contraindications")'),
    md("""
## Scenario: the intake form
Fill in the form for a synthetic patient and press **Screen patient**. Try a pregnant patient;
then a patient who took aspirin or an NSAID (a non-steroidal anti-inflammatory painkiller such as
ibuprofen) that she bought herself a few days ago; then the same medicine prescribed by a doctor.
The rules cover aspirin and NSAIDs only: they say nothing about other painkillers, so ask what the
patient took. Then try a patient who stopped an immunosuppressant long ago, and a cocktail that
holds glutathione. Read the reasons: how would you say each one to the patient?
"""),
    code("""
from course.widgets.intake import IntakeForm
IntakeForm()
"""),
    md("""
## Case studies
Each case reveals its reasoning one rule at a time. Decide before you press **Next step**.
"""),
    code("""
from course.widgets.intake import CaseGallery
CaseGallery()
"""),
    md("""
## Reflection
- Which decision is hardest to explain to a patient who is keen to start today? Practise the words.
- A patient asks you to tell her when to stop her prescribed medication. What do you do?
- A colleague's cocktail holds an ingredient a regulator has warned against. Whose decision is it to
  remove it, and how do you record it?
"""),
]

BODIES["08"] = [
    md("""
## Reactions: expected, monitor or urgent
Each reaction with its triage level and what that level asks you to do:
"""),
    code("nb.reactions()"),
    md("""
## Scenario: triage
A patient calls after a session. Choose what they report, decide the triage level, then check.
"""),
    code("""
from course.widgets.triage import TriageTrainer
TriageTrainer()
"""),
    md("## How safe is it?"),
    code('nb.facts(kb.complications.safety_facts, "Safety")'),
    code('nb.disputes(["risk", "safety_condition"])'),
    md("""
## Aftercare and hygiene
Severe or worsening pain after a session is not an aftercare question: it is a reason for clinical
review (infection, necrosis), whatever a seed says about painkillers.
"""),
    code('nb.facts(kb.care.aftercare, "Aftercare")'),
    code('nb.disputes(["sun_exposure"])'),
    code('nb.facts(kb.complications.hygiene, "Hygiene")'),
    md("""
## The published outbreaks
Infection outbreaks after mesotherapy, as case studies:
"""),
    code("nb.outbreaks()"),
    md("For each outbreak, guess the cause before you reveal it."),
    code("""
from course.widgets.triage import OutbreakStudies
OutbreakStudies()
"""),
    md("""
## Reflection
- What do the outbreaks have in common? Which of their causes could happen in your clinic?
- A patient reports a painful bump weeks after a session. What do you do today?
- A patient says the pain is getting worse two days after a session and asks which painkiller to
  take. What do you answer?
"""),
]

BODIES["09"] = [
    md("""
## Setting expectations
What the patient should expect, with the sources behind each statement:
"""),
    code('nb.facts(kb.consultation.expectations, "Expectations")'),
    code('nb.disputes(["duration_of_effect", "results_onset", "evidence"])'),
    md("## What to tell the patient"),
    code('nb.facts(kb.consultation.tell_the_patient, "Tell the patient")'),
    md("""
## What to record
The sources say what to discuss and who should treat; what to write down is the course's rule
(course policy), so that a consultation can be checked and a reaction traced to its product.
"""),
    code('nb.facts(kb.consultation.record, "Record")'),
    code('nb.disputes(["who_may_inject"])'),
    md("""
## Scenario: your consultation checklist
Think of a consultation with one of the synthetic patients of module 07. Tick what you told the
patient and what your record contains, then press **Check**.
"""),
    code("""
from course.widgets.consultation import ConsultationChecklist
ConsultationChecklist()
"""),
    md("""
## Reflection
- How would you answer a patient who asks how long the result will last?
- What in your record would show that consent was informed?
"""),
]


def cells(module: syllabus.Module) -> list[Cell]:
    """The module's cells in the common frame."""
    header = md(f"# Module {module.id} · {module.title}\n\n> **{DISCLAIMER}**")
    closing = QUIZ if module.id != "00" else []  # the orientation module ends with the progress view
    frame = [header, SETUP, *BODIES[module.id], *closing]
    return [(kind, source.replace("{module}", module.id)) for kind, source in frame]


def notebook(module: syllabus.Module) -> nbformat.NotebookNode:
    """The module as a notebook without outputs, with stable cell IDs."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for number, (kind, source) in enumerate(cells(module)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=f"m{module.id}-{number:02d}"))
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report notebooks that differ from the build")
    args = parser.parse_args(argv)
    stale = []
    for module in syllabus.modules():
        path = HERE / module.notebook
        text = nbformat.writes(notebook(module)) + "\n"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(module.notebook)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date (run python notebooks/build.py): {', '.join(stale)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
