"""Names and phrases for synthetic departures (departures/synthetic.py)."""

# Words the benchmark searches for. COMMON_WORD appears in the context of about
# 5 % of departures and nowhere else; RARE_SURNAME is the surname of two people.
COMMON_WORD = "governance"
COMMON_WORD_SHARE = 0.05
RARE_SURNAME = "Quillfeather"

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William "
    "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Wei Li Mei "
    "Hiroshi Yuki Aarav Priya Rahul Ananya Olu Amara Chidi Fatima Omar Layla Ali "
    "Sofia Mateo Lucia Diego Ingrid Lars Astrid Mikko Elena Ivan Olga Nadia Pierre "
    "Camille Luca Giulia Hannah Noah Emma Liam Olivia Ethan Ava Mason Zoe Daniel"
).split()
COMMON_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
    "Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee "
    "Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young "
    "Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
    "Rivera Campbell Mitchell Carter Roberts Chen Wang Zhang Liu Kim Park Patel Shah "
    "Singh Kumar Tanaka Sato Suzuki Muller Schmidt Fischer Weber Rossi Russo Dubois "
    "Laurent Silva Santos Ivanov Novak Okafor Mensah Haddad Larsen Nielsen Berg"
).split()
SYLLABLES = (
    "ab al an ar bel bor cal dor el en far gal hal is jor kel lan mar nor or "
    "pel quin ral sor tal ur val wen xan yor zel"
).split()
ORG_WORDS = (
    "Labs AI Robotics Analytics Dynamics Networks Bio Cloud Health Energy Capital "
    "Works Intelligence Compute Devices Foundation Institute Research"
).split()
PUBLISHERS = (
    "Daily Ledger",
    "Tech Courier",
    "Market Wire",
    "Evening Herald",
    "Business Review",
    "Signal Post",
    "Industry Weekly",
    "Global Dispatch",
)
TAGS = (
    "safety concerns",
    "board dispute",
    "acquisition",
    "layoffs",
    "compensation",
    "strategy shift",
    "regulatory probe",
    "misconduct allegation",
    "succession plan",
    "research direction",
    "remote work",
    "spin-out",
)
STATED = (
    "to spend more time with family",
    "to pursue new opportunities",
    "after a long and rewarding tenure",
    "to focus on health",
    "following a strategic review of the business",
    "to start a new venture",
    "as part of a planned leadership transition",
    "for personal reasons",
)
CONTEXT = (
    "Colleagues described the decision as expected after months of talks.",
    "Reports said the team had disagreed about product priorities.",
    "The company announced a new structure the same week.",
    "Analysts linked the move to slower growth in the market.",
    "Former staff said the role had changed after a funding round.",
    "The announcement came shortly before the quarterly results.",
)
GOVERNANCE_CONTEXT = (
    "Several reports tied the exit to a dispute over board governance and "
    "oversight of the research programme."
)
