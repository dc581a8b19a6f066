"""Key terms readers name: professions, places, exams, tools, life topics and job-search tasks
(the interview process, offers' paperwork, résumé formats).

A question that names one of these which the articles never mention is a question the articles
cannot answer, however close its wording is to a section ("nursing pay" reads like "AI pay").
The lists are broad on purpose; a term the articles do mention is simply covered. Multi-word
terms are matched as phrases, single words on word boundaries.
"""

from __future__ import annotations

PROFESSIONS = """
nurse nurses nursing doctor doctors physician surgeon dentist pharmacist pharmacy veterinarian
lawyer lawyers attorney paralegal accountant accountants accounting auditor actuary
teacher teachers teaching professor lecturer tutor pilot pilots electrician plumber carpenter
mechanic welder chef cook barista waiter architect architects civil-engineer
mechanical-engineer electrical-engineer chemical-engineer firefighter police journalist
designer graphic-designer ux-designer photographer marketer marketing salesperson
real-estate realtor banker bankers trader traders consultant consultants
product-manager project-manager program-manager scrum-master therapist psychologist
social-worker midwife paramedic radiologist optometrist physiotherapist dietitian
game-developer blockchain crypto cybersecurity penetration-tester ethical-hacker
""".split()

PLACES = """
germany berlin munich france paris uk britain england london scotland ireland dublin
netherlands amsterdam spain italy poland sweden norway denmark finland switzerland zurich
europe european canada canadian toronto vancouver australia sydney melbourne new-zealand
japan tokyo china beijing shanghai singapore dubai uae saudi qatar israel nigeria lagos
kenya nairobi south-africa egypt brazil mexico argentina pakistan bangladesh sri-lanka
nepal vietnam philippines indonesia malaysia thailand korea seoul taiwan hong-kong russia
texas california seattle new-york boston austin chicago silicon-valley san-francisco
kolkata ahmedabad jaipur kochi indore chandigarh lucknow coimbatore
german french british dutch spanish italian polish swedish norwegian danish finnish swiss irish
japanese chinese korean australian brazilian mexican nigerian kenyan pakistani singaporean
israeli russian
""".split()

EXAMS = """
pmp capm prince2 itil cissp cism cisa ceh oscp comptia security+ network+ ccna ccnp
csm psm togaf six-sigma cpa cfa acca frm gre gmat toefl ielts upsc jee neet
kubernetes-cka cka ckad terraform-associate databricks snowflake salesforce oracle-certified
red-hat rhce tensorflow-developer
""".split()

TOOLS = """
laptop laptops macbook windows linux iphone android keyboard monitor gpu-to-buy
excel tableau power-bi powerbi sap figma photoshop wordpress shopify
javascript typescript java c++ c# golang go-language kotlin swift php ruby rust scala
react angular vue flutter unity unreal
pytorch tensorflow keras scikit-learn sklearn jax huggingface hugging-face xgboost opencv
kaggle
""".split()

TOPICS = """
visa visas h-1b h1b green-card work-permit immigration citizenship residency relocation
tax taxes taxed taxation income-tax mortgage loan loans student-loan rent cost-of-living insurance pension
401k retirement layoffs layoff severance unemployment notice-period resignation
cover-letter linkedin-profile headhunter bootcamp bootcamps masters phd mba degree mtech m.tech
msc mca
scholarship university college freelance freelancing upwork fiverr side-hustle startup-idea
negotiation negotiate promotion-letter
maternity paternity burnout work-life interviewer interviewers dress-code
final-round hr-round phone-screen onsite technical-round coding-round behavioral-interview
behavioural-interview star-method leetcode hackerrank mock-interview thank-you-note
follow-up-email reference-check background-check offer-letter counteroffer counter-offer
joining-bonus signing-bonus relocation-bonus probation appraisal resume-template resume-format
cv-template cold-email job-fair career-fair aptitude-test group-discussion whiteboard gap-year
career-break
""".split()

EVERYDAY = """
weather rain forecast temperature recipe recipes cooking bake baking sourdough football soccer
cricket basketball tennis movie movies film music song songs dating relationship marriage
health diet workout gym medicine symptoms doctor-appointment travel flight flights hotel
holiday vacation horoscope astrology lottery bitcoin-price stock-market pet dog cat garden
""".split()

CATEGORIES: dict[str, tuple[str, ...]] = {
    "profession": tuple(PROFESSIONS),
    "place": tuple(PLACES),
    "exam": tuple(EXAMS),
    "tool": tuple(TOOLS),
    "topic": tuple(TOPICS),
    "everyday": tuple(EVERYDAY),
}
"""Each category's terms; ``-`` joins the words of a phrase."""


def term_phrase(term: str) -> str:
    """A term as readers write it: ``cost-of-living`` → ``cost of living``."""
    return term.replace("-", " ") if term not in ("h-1b", "security+", "network+") else term
