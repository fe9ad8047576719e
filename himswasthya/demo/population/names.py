"""Name lists for the SYNTHETIC demo population. Every name here is common in Himachal; no list is a record
of real people, and the generator combines them at random.

Each line: Roman spelling | Devanagari | spelling variants seen in registers (optional, ";"-separated).
Shares per district are rough public figures (Census 2011 religion tables) rounded for a demo.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    roman: str
    deva: str
    variants: tuple[str, ...] = ()


def _parse(block: str) -> tuple[Name, ...]:
    names = []
    for line in block.strip().splitlines():
        parts = [p.strip() for p in line.split("|")]
        variants = tuple(v.strip() for v in parts[2].split(";") if v.strip()) if len(parts) > 2 else ()
        names.append(Name(parts[0], parts[1], variants))
    return tuple(names)


def _weighted(block: str) -> tuple[tuple[str, int], ...]:
    """ "Thakur 5, Sharma 4" -> (("Thakur", 5), ("Sharma", 4))."""
    pairs = []
    for item in block.split(","):
        name, _, weight = item.strip().rpartition(" ")
        pairs.append((name, int(weight)))
    return tuple(pairs)


# --- Hindu families -------------------------------------------------------------------------------
HINDU_MALE_OLDER = _parse("""
Ram Lal | राम लाल
Hem Raj | हेम राज
Dev Raj | देव राज
Prem Chand | प्रेम चंद
Kanshi Ram | कांशी राम | Kashi Ram
Bhagat Ram | भगत राम
Roshan Lal | रोशन लाल
Mast Ram | मस्त राम
Sohan Lal | सोहन लाल
Om Prakash | ओम प्रकाश | Om Parkash
Krishan Chand | कृष्ण चंद | Kishan Chand
Tulsi Ram | तुलसी राम
Jagdish | जगदीश | Jagdeesh
Rajinder | राजिंदर | Rajender
Surinder | सुरिंदर | Surender
Joginder | जोगिंदर | Jogender
Mohinder | मोहिंदर | Mahender
Ramesh | रमेश
Suresh | सुरेश
Ashok | अशोक
Kamal | कमल
Vijay | विजय
Anil | अनिल
Sunil | सुनील | Sunel
Rakesh | राकेश
Naresh | नरेश
Mahesh | महेश
Dinesh | दिनेश
Pawan | पवन
Sanjay | संजय
""")
HINDU_MALE_YOUNGER = _parse("""
Rohit | रोहित
Amit | अमित
Vikas | विकास
Ankit | अंकित
Arjun | अर्जुन
Aryan | आर्यन
Ishaan | ईशान | Ishan
Kartik | कार्तिक
Nitin | नितिन
Rahul | राहुल
Sahil | साहिल
Akshay | अक्षय
Abhishek | अभिषेक
Manish | मनीष
Deepak | दीपक | Dipak
Ajay | अजय
Vivek | विवेक
Gaurav | गौरव
Aarav | आरव | Arav
Vihaan | विहान
Ayush | आयुष
Yash | यश
Shivam | शिवम
Karan | करण
Varun | वरुण
Aditya | आदित्य
""")
HINDU_FEMALE_OLDER = _parse("""
Kamla | कमला | Kamala
Bimla | बिमला | Vimla
Shanti | शांति
Savitri | सावित्री
Krishna | कृष्णा
Sarla | सरला
Leela | लीला | Lila
Satya | सत्या
Pushpa | पुष्पा
Sunita | सुनीता
Anita | अनीता
Meena | मीना
Usha | उषा
Asha | आशा
Sushma | सुषमा
Kanta | कांता
Santosh | संतोष
Nirmla | निर्मला | Nirmala
Raj Kumari | राज कुमारी | Rajkumari
Veena | वीणा | Vina
Kaushalya | कौशल्या
Tara | तारा
""")
HINDU_FEMALE_YOUNGER = _parse("""
Pooja | पूजा | Puja
Priya | प्रिया
Neha | नेहा
Kavita | कविता
Reena | रीना
Neelam | नीलम
Anjali | अंजलि
Nisha | निशा
Sapna | सपना
Shivani | शिवानी
Ritika | रितिका
Aarti | आरती | Arti
Monika | मोनिका
Deepika | दीपिका
Komal | कोमल
Palak | पलक
Ananya | अनन्या
Diya | दिया
Isha | ईशा
Kritika | कृतिका
Shruti | श्रुति
Simran | सिमरन
Tanvi | तन्वी
Muskan | मुस्कान
Sakshi | साक्षी
""")
# Women of the older generation are often registered with "Devi" in place of the family name.
DEVI = Name("Devi", "देवी")

HINDU_SURNAMES = _parse("""
Thakur | ठाकुर | Thakkar
Sharma | शर्मा | Sharmaa
Verma | वर्मा | Varma
Chauhan | चौहान | Chouhan
Rana | राणा
Kanwar | कंवर | Kanwer
Katoch | कटोच
Negi | नेगी
Guleria | गुलेरिया | Guleriya
Pathania | पठानिया | Pathaniya
Jamwal | जम्वाल | Jamval
Kaushal | कौशल | Koushal
Sood | सूद | Sud
Bhardwaj | भारद्वाज | Bhardawaj
Dogra | डोगरा
Chandel | चंदेल | Chandail
Rathore | राठौर | Rathour
Parmar | परमार
Mehta | मेहता
Gupta | गुप्ता
Kumar | कुमार
Jaswal | जसवाल
Mahajan | महाजन
Awasthi | अवस्थी
Gautam | गौतम
Tomar | तोमर
Pundir | पुंडीर
Jhingta | झिंगटा
Mahant | महंत
Sen | सेन
Bodh | बोध
Chaudhary | चौधरी | Choudhary;Chaudhry
Saini | सैनी
Dhiman | धीमान
Ram | राम
Chand | चंद
Bharti | भारती
""")

# General-category family names by district (key: first four letters of the district name, lower case).
HINDU_SURNAMES_BY_DISTRICT = {
    "kang": _weighted(
        "Katoch 3, Guleria 3, Pathania 2, Rana 3, Sharma 4, Sood 2, Dogra 1, Jamwal 1, Awasthi 1, "
        "Thakur 2, Mahajan 1"
    ),
    "hami": _weighted("Thakur 4, Sharma 4, Chandel 2, Kaushal 2, Dogra 1, Rana 2, Jaswal 1, Verma 1"),
    "mand": _weighted("Thakur 5, Sharma 4, Verma 2, Gupta 1, Rana 1, Kaushal 1, Chandel 1, Sen 1"),
    "shim": _weighted(
        "Chauhan 4, Thakur 3, Sharma 3, Verma 2, Mehta 2, Kanwar 2, Negi 1, Jhingta 1, Rathore 1, Parmar 1"
    ),
    "sirm": _weighted("Chauhan 4, Thakur 3, Sharma 3, Tomar 1, Pundir 2, Parmar 2, Rana 1, Verma 1"),
    "sola": _weighted("Thakur 4, Sharma 3, Kanwar 3, Verma 2, Chauhan 1, Parmar 1, Gupta 1, Rathore 1"),
    "bila": _weighted("Chandel 3, Thakur 3, Sharma 3, Kaushal 2, Gautam 1, Rathore 1, Verma 1"),
    "una": _weighted("Sharma 4, Rana 2, Jaswal 2, Thakur 1, Gautam 1, Kaushal 1, Sood 1, Dogra 1"),
    "cham": _weighted("Thakur 3, Sharma 3, Rana 3, Bhardwaj 2, Mahajan 1, Verma 1, Pathania 1"),
    "kull": _weighted("Thakur 5, Sharma 3, Negi 2, Rana 1, Mahant 1, Sood 1, Bhardwaj 1"),
    "kinn": _weighted("Negi 10, Thakur 1, Sharma 1"),
    "laha": _weighted("Thakur 4, Bodh 2, Sharma 1, Negi 1"),
    "": _weighted("Thakur 3, Sharma 3, Verma 2, Chauhan 2, Rana 1, Gupta 1"),
}
HINDU_SURNAMES_OBC = _weighted("Chaudhary 3, Saini 2, Dhiman 2, Kumar 1")
HINDU_SURNAMES_SC = _weighted("Kumar 5, Ram 2, Chand 1, Bharti 1")

# --- Sikh families (Una, Solan, Sirmaur, Kangra): men Singh, women Kaur ---------------------------
SIKH_MALE = _parse("""
Gurpreet | गुरप्रीत
Harpreet | हरप्रीत
Jaswinder | जसविंदर | Jasvinder
Kuldeep | कुलदीप | Kuldip
Baljit | बलजीत | Baljeet
Manjit | मनजीत | Manjeet
Sukhwinder | सुखविंदर | Sukhvinder
Paramjit | परमजीत | Paramjeet
Amarjeet | अमरजीत | Amarjit
Jagdeep | जगदीप
Harjinder | हरजिंदर
Balwinder | बलविंदर | Balvinder
Ranjit | रणजीत | Ranjeet
""")
SIKH_FEMALE = _parse("""
Harjeet | हरजीत | Harjit
Gurmeet | गुरमीत | Gurmit
Jaspreet | जसप्रीत
Manpreet | मनप्रीत
Simranjeet | सिमरनजीत | Simranjit
Kulwinder | कुलविंदर | Kulvinder
Rajwinder | राजविंदर | Rajvinder
Amandeep | अमनदीप
Navneet | नवनीत
""")
SINGH = Name("Singh", "सिंह")
KAUR = Name("Kaur", "कौर", ("Kour",))

# --- Muslim families (Chamba, Sirmaur, Una; Gujjar pastoralists) ----------------------------------
MUSLIM_MALE = _parse("""
Mohammad Iqbal | मोहम्मद इकबाल | Mohd. Iqbal;Muhammad Iqbal
Mohammad Rafi | मोहम्मद रफ़ी | Mohd. Rafi;Mohammed Rafi
Abdul Rashid | अब्दुल रशीद | Abdul Rasheed
Salim | सलीम | Saleem
Yusuf | यूसुफ़ | Yousuf
Farooq | फ़ारूक़ | Faruq
Nazir | नज़ीर | Nazeer
Bashir | बशीर | Basheer
Shafi | शफ़ी
Akbar | अकबर
Javed | जावेद
Irfan | इरफ़ान
Imran | इमरान
Rizwan | रिज़वान
Aslam | असलम
""")
MUSLIM_FEMALE = _parse("""
Fatima | फ़ातिमा | Fatma
Razia | रज़िया | Raziya
Nasreen | नसरीन | Nasrin
Shabnam | शबनम
Ruksana | रुख़साना | Rukhsana
Noor Jahan | नूर जहाँ | Nurjahan
Zubeda | ज़ुबैदा | Zubaida
Shahnaz | शहनाज़
Parveen | परवीन | Parvin
Salma | सलमा
Reshma | रेशमा
Ayesha | आयशा | Aisha
""")
MUSLIM_SURNAMES = _parse("""
Khan | ख़ान
Mohammad | मोहम्मद | Mohd.;Muhammad
Gujjar | गुज्जर | Gujar
Ali | अली
Qureshi | क़ुरैशी | Kureshi
Ansari | अंसारी
Sheikh | शेख़ | Shaikh
""")
MUSLIM_SURNAME_WEIGHTS = _weighted("Khan 4, Mohammad 2, Gujjar 3, Ali 2, Qureshi 1, Ansari 1, Sheikh 1")
MUSLIM_WOMEN_SURNAMES = _parse("""
Bibi | बीबी
Begum | बेगम
""")

# --- Buddhist families (Lahaul-Spiti, Kinnaur; Tibetan settlements in Kangra, Kullu, Shimla) ------
BUDDHIST_FIRST_MALE = _parse("""
Tenzin | तेनज़िन | Tenzing;Tanzin
Dorje | दोरजे | Dorjee;Dorji
Tashi | ताशी
Namgyal | नामग्याल | Namgial
Chhering | छेरिंग | Tsering;Tshering
Sonam | सोनम
Phuntsog | फुंचोग | Phuntsok
Lobzang | लोबज़ंग | Lobsang
Rigzin | रिगज़िन | Rigzen
Karma | कर्मा
Norbu | नोरबू
Nawang | नवांग | Ngawang
Jigmet | जिग्मेत
""")
BUDDHIST_SECOND_MALE = _parse("""
Dorje | दोरजे | Dorjee;Dorji
Namgyal | नामग्याल | Namgial
Tashi | ताशी
Gyaltsen | ग्यालछन | Gyalchen
Phuntsog | फुंचोग | Phuntsok
Chhering | छेरिंग | Tsering;Tshering
Norbu | नोरबू
""")
BUDDHIST_FIRST_FEMALE = _parse("""
Sonam | सोनम
Tenzin | तेनज़िन | Tenzing;Tanzin
Tashi | ताशी
Chhering | छेरिंग | Tsering;Tshering
Dechen | देछेन | Dechan
Yangchen | यांगछेन | Yangchan
Pema | पेमा | Padma
Kunga | कुंगा
""")
BUDDHIST_SECOND_FEMALE = _parse("""
Angmo | आंगमो | Angmu
Dolma | डोलमा | Drolma
Palmo | पालमो | Palmu
Lhamo | ल्हामो | Lamo
Dechen | देछेन | Dechan
Yangzom | यांगज़ोम | Yangzum
Zangmo | ज़ांगमो | Zangmu
""")
# Family names of Buddhist households by district; "" = none (two given names only).
BUDDHIST_SURNAMES_BY_DISTRICT = {
    "kinn": _weighted("Negi 9, _ 1"),
    "laha": _weighted("Bodh 4, Thakur 2, Negi 1, _ 4"),
    "": _weighted("_ 8, Bodh 1, Negi 1"),
}

# --- Communities per district: (Hindu, Sikh, Muslim, Buddhist) shares -----------------------------
COMMUNITY_SHARES = {
    "kang": (0.965, 0.012, 0.015, 0.008),
    "cham": (0.930, 0.002, 0.065, 0.003),
    "una": (0.925, 0.040, 0.035, 0.0),
    "sola": (0.945, 0.030, 0.022, 0.003),
    "sirm": (0.920, 0.020, 0.060, 0.0),
    "shim": (0.975, 0.008, 0.012, 0.005),
    "mand": (0.985, 0.004, 0.008, 0.003),
    "kull": (0.960, 0.005, 0.010, 0.025),
    "hami": (0.990, 0.005, 0.005, 0.0),
    "bila": (0.975, 0.008, 0.017, 0.0),
    "kinn": (0.780, 0.0, 0.005, 0.215),
    "laha": (0.370, 0.002, 0.003, 0.625),
    "": (0.97, 0.01, 0.015, 0.005),
}

# Census 2011 population share of each district (sums to ~1; unknown districts get a GP-count share).
DISTRICT_POPULATION_SHARE = {
    "kang": 0.2195,
    "mand": 0.1451,
    "shim": 0.1181,
    "sola": 0.0844,
    "sirm": 0.0769,
    "una": 0.0754,
    "cham": 0.0754,
    "hami": 0.0660,
    "kull": 0.0637,
    "bila": 0.0556,
    "kinn": 0.0123,
    "laha": 0.0046,
}


def district_key(name: str) -> str:
    """ "LAHUL AND SPITI" / "Lahaul & Spiti" -> "laha"; "Una" -> "una"; others -> first four letters."""
    letters = "".join(ch for ch in name.lower() if ch.isalpha())
    if letters.startswith(("lahu", "laha")):
        return "laha"
    return letters[:3] if letters.startswith("una") else letters[:4]


def all_names() -> dict[str, Name]:
    """Every name token by its Roman spelling (for the Devanagari lookup)."""
    table: dict[str, Name] = {}
    groups = [
        HINDU_MALE_OLDER,
        HINDU_MALE_YOUNGER,
        HINDU_FEMALE_OLDER,
        HINDU_FEMALE_YOUNGER,
        HINDU_SURNAMES,
        SIKH_MALE,
        SIKH_FEMALE,
        MUSLIM_MALE,
        MUSLIM_FEMALE,
        MUSLIM_SURNAMES,
        MUSLIM_WOMEN_SURNAMES,
        BUDDHIST_FIRST_MALE,
        BUDDHIST_SECOND_MALE,
        BUDDHIST_FIRST_FEMALE,
        BUDDHIST_SECOND_FEMALE,
        (DEVI, SINGH, KAUR),
    ]
    for group in groups:
        for name in group:
            table.setdefault(name.roman, name)
    return table
