"""Key terms readers name: professions, places, exams, tools, employers, life topics and
job-search tasks (the interview process, offers' paperwork, résumé formats).

A question that names one of these which the articles never mention is a question the articles
cannot answer, however close its wording is to a section ("nursing pay" reads like "AI pay").
The lists are broad on purpose; a term the articles do mention is simply covered. Multi-word
terms are matched as phrases, single words on word boundaries.
"""

from __future__ import annotations

import re

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
dentists surgeons veterinarians nurse-practitioner recruiter-salary sales-engineer
civil-engineering mechanical-engineering electrical-engineering chemical-engineering biomedical
aerospace petroleum geologist economist economists investment-banker investment-banking
quant quants quantitative-analyst hedge-fund business-analyst financial-analyst ux ui-designer
web-designer copywriter content-writer technical-writer translator flight-attendant
truck-driver farmer farming soldier military army navy air-force government-job civil-services
ias ips bank-po clerk embedded-engineer firmware hardware-engineer vlsi semiconductor
robotics-engineer mechatronics sre site-reliability qa-engineer manual-testing devrel
developer-advocate salesforce-developer sap-consultant mainframe cobol network-engineer
sysadmin system-administrator dba database-administrator ios-developer android-developer
mobile-developer game-designer animator vfx 3d-artist musician actor actress
youtuber streamer podcaster
prompt-engineer prompt-engineering engineering-manager tech-lead team-lead staff-engineer
principal-engineer cto vp-engineering
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
kerala tamil-nadu karnataka maharashtra telangana gujarat punjab rajasthan west-bengal
uttar-pradesh bihar odisha goa mysore mysuru nagpur surat vizag visakhapatnam
thiruvananthapuram trivandrum bhubaneswar florida virginia new-jersey colorado atlanta denver
miami dallas houston portland los-angeles portugal lisbon belgium brussels austria vienna czech
prague hungary budapest romania greece turkey istanbul ukraine estonia tallinn luxembourg
africa ghana rwanda morocco ethiopia middle-east oman bahrain kuwait latin-america colombia
chile peru asia southeast-asia apac
""".split()

EXAMS = """
pmp capm prince2 itil cissp cism cisa ceh oscp comptia security+ network+ ccna ccnp
csm psm togaf six-sigma cpa cfa acca frm gre gmat toefl ielts upsc jee neet
ckad cks terraform-associate databricks snowflake salesforce oracle-certified
red-hat rhce tensorflow-developer
linux+ lpic rhcsa vcp ccie gsec giac pmi-acp agile-certification tensorflow-certificate
ibm-data-science google-data-analytics google-it-support nptel gate-exam cat-exam ccat cdac
""".split()

TOOLS = """
laptop laptops macbook windows linux iphone android keyboard monitor gpu-to-buy
excel tableau power-bi powerbi sap figma photoshop wordpress shopify
javascript typescript java c++ c# golang go-language kotlin swift php ruby rust scala
react angular vue flutter unity unreal
pytorch tensorflow keras scikit-learn sklearn jax huggingface hugging-face xgboost opencv
kaggle
matlab r-language rstudio sas spss stata julia perl powershell dart elixir haskell
c-language fortran django flask fastapi spring-boot nodejs node.js next.js nextjs svelte jquery
docker-compose ansible jenkins gitlab github-actions circleci mongodb postgres mysql redis
elasticsearch cassandra neo4j airflow dbt spark hadoop kafka flink openai mlflow kubeflow
jira confluence ipad tablet chromebook thinkpad dell
hp lenovo asus acer ram ssd
""".split()

TOPICS = """
visa visas h-1b h1b green-card work-permit immigration citizenship residency relocation
tax taxes taxed taxation income-tax mortgage loan loans student-loan rent cost-of-living insurance pension
401k retirement layoffs layoff severance unemployment notice-period resignation
cover-letter linkedin-profile headhunter bootcamp bootcamps masters phd mba degree mtech m.tech
msc mca
scholarship university college freelance freelancing upwork fiverr side-hustle startup-idea
negotiation negotiate negotiating promotion-letter deadline deadlines
pass-mark pass-marks passing-score passing-marks cutoff-score
maternity paternity burnout work-life dress-code
final-round hr-round phone-screen onsite technical-round coding-round behavioral-interview
behavioural-interview star-method leetcode hackerrank mock-interview thank-you-note
follow-up-email reference-check background-check offer-letter counteroffer counter-offer
joining-bonus signing-bonus relocation-bonus probation appraisal resume-template resume-format
cv-template cold-email job-fair career-fair aptitude-test group-discussion whiteboard gap-year
career-break
stipend stipends hourly-rate overtime four-day-week
4-day-week part-time contractor contract-work non-compete noncompete nda bond service-agreement
background-verification bgv internship-stipend ppo campus-placement
off-campus on-campus naukri glassdoor-reviews salary-slip payslip
ctc-breakup pf provident-fund gratuity esic health-insurance medical-insurance
sick-leave pto manager-conflict toxic-manager office-politics team-switch performance-review
performance-improvement-plan hike appraisal-cycle dress attire commute office-hours night-shift
wfh-allowance aptitude reasoning-test english-test side-project-ideas hackathon hackathons gsoc
over-40 over-50 too-old women-in-tech disability
dsa interview-loop total-comp vest mcq
""".split()

EMPLOYERS = """
tcs infosys wipro hcl hcltech cognizant accenture capgemini tech-mahindra deloitte mindtree
ltimindtree mphasis flipkart swiggy zomato paytm ola zoho freshworks razorpay phonepe meesho
byjus jio faang maang meta facebook apple nvidia anthropic deepmind tesla uber airbnb
stripe
""".split()

EVERYDAY = """
weather rain forecast temperature recipe recipes cooking bake baking sourdough football soccer
cricket basketball tennis movie movies film music song songs dating relationship marriage
health diet workout gym medicine symptoms doctor-appointment travel flight flights hotel
holiday vacation horoscope astrology lottery bitcoin-price stock-market pet dog cat garden
football-score nba nfl ipl chess poker video-games gaming anime netflix restaurant pizza
wine beer cocktail motorcycle furniture fashion clothes shoes
makeup wedding meditation yoga politics election president
prime-minister religion joke jokes poem poems riddle
""".split()

CATEGORIES: dict[str, tuple[str, ...]] = {
    "profession": tuple(PROFESSIONS),
    "place": tuple(PLACES),
    "exam": tuple(EXAMS),
    "tool": tuple(TOOLS),
    "employer": tuple(EMPLOYERS),
    "topic": tuple(TOPICS),
    "everyday": tuple(EVERYDAY),
}
"""Each category's terms; ``-`` joins the words of a phrase."""


ROLES = """
software-developer software-engineer programmer computer-programmer web-developer
backend-developer backend-engineer frontend-developer frontend-engineer full-stack-developer
data-engineer data-analyst business-intelligence-analyst bi-analyst analytics-engineer
devops-engineer mlops-engineer platform-engineer cloud-engineer cloud-architect
solutions-architect qa-tester test-engineer security-engineer research-scientist
ml-engineer machine-learning-engineer ai-engineer genai-engineer data-scientist sde swe mle
""".split()
"""Tech roles readers ask about. Unlike the other terms most are covered (the articles name
them), but the articles state pay for only some of them: "what does a data engineer make?"
needs a figure stated for data engineers (:mod:`careerbot.answering.figure_demand`)."""


ACRONYMS = frozenset("tcs hcl faang maang uk uae usa".split())
"""Employers and places named by their letters, shown in capitals ("Our articles don't cover
TCS.")."""


def term_phrase(term: str) -> str:
    """A term as readers write it: ``cost-of-living`` → ``cost of living``."""
    return term.replace("-", " ") if term not in ("h-1b", "security+", "network+") else term


def phrase_pattern(phrase: str) -> str:
    """A pattern for ``phrase`` with a space or a hyphen between its words ("scikit-learn",
    "cost of living")."""
    return r"[ -]".join(map(re.escape, phrase.split(" ")))
