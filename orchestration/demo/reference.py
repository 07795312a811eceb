"""The demo company's reference data: relation kinds, sectors, regions, cities, names,
products, seasons, activity rates and payment behaviour (why these values: see the
comments per table)."""

from __future__ import annotations

import numpy as np

from orchestration.ingest.contract import ACTIVITY_TYPES, ONE_WAY_ACTIVITY_TYPES

# Relation kinds as generated; the warehouse derives its own kinds from the data.
_ACTIVE, _QUIET, _PROSPECT, _SUSPECT = 0, 1, 2, 3
_KIND_SHARES = (0.35, 0.15, 0.25, 0.25)
_BE_SHARE = 0.25  # a Dutch seller with a Flemish branch

SECTORS = (
    "groothandel",
    "bouw",
    "horeca",
    "zorg",
    "industrie",
    "retail",
    "transport",
    "zakelijke dienstverlening",
    "agrarisch",
    "ICT",
    "onderwijs",
    "overheid",
)
_SECTOR_WEIGHTS = (14, 17, 10, 7, 14, 10, 7, 9, 4, 4, 2, 2)

# Sales regions, most important first: a small company covers only the first few and
# folds the others into a neighbour (_REGION_FALLBACK) until it has enough salespeople.
REGIONS = ("Randstad", "Zuid", "Oost", "Vlaanderen", "Noord", "West", "Brussel/Wallonië")
_REGION_FALLBACK = {
    "Noord": "Oost",
    "West": "Randstad",
    "Brussel/Wallonië": "Vlaanderen",
    "Vlaanderen": "Zuid",
    "Oost": "Randstad",
    "Zuid": "Randstad",
}
_RELATIONS_PER_SALESPERSON = 200

# Real cities: (name, region, population in thousands as weight, telephone area code,
# postcodes). NL postcodes are a 4-digit range (letters are added), BE a list of codes.
_NL_CITIES = (
    ("Amsterdam", "Randstad", 900, "20", (1011, 1109)),
    ("Rotterdam", "Randstad", 650, "10", (3011, 3089)),
    ("Den Haag", "Randstad", 550, "70", (2491, 2599)),
    ("Utrecht", "Randstad", 360, "30", (3511, 3585)),
    ("Eindhoven", "Zuid", 235, "40", (5611, 5658)),
    ("Groningen", "Noord", 235, "50", (9711, 9747)),
    ("Tilburg", "Zuid", 225, "13", (5011, 5049)),
    ("Almere", "Randstad", 215, "36", (1311, 1365)),
    ("Breda", "Zuid", 185, "76", (4811, 4839)),
    ("Nijmegen", "Oost", 180, "24", (6511, 6546)),
    ("Apeldoorn", "Oost", 165, "55", (7311, 7339)),
    ("Arnhem", "Oost", 165, "26", (6811, 6846)),
    ("Haarlem", "Randstad", 162, "23", (2011, 2037)),
    ("Enschede", "Oost", 160, "53", (7511, 7548)),
    ("Amersfoort", "Randstad", 160, "33", (3811, 3829)),
    ("Zaandam", "Randstad", 155, "75", (1501, 1509)),
    ("'s-Hertogenbosch", "Zuid", 155, "73", (5211, 5236)),
    ("Zwolle", "Oost", 130, "38", (8011, 8043)),
    ("Leiden", "Randstad", 125, "71", (2311, 2334)),
    ("Zoetermeer", "Randstad", 125, "79", (2711, 2729)),
    ("Leeuwarden", "Noord", 125, "58", (8911, 8939)),
    ("Maastricht", "Zuid", 120, "43", (6211, 6229)),
    ("Dordrecht", "Randstad", 120, "78", (3311, 3329)),
    ("Ede", "Oost", 118, "318", (6711, 6718)),
    ("Alphen aan den Rijn", "Randstad", 112, "172", (2401, 2409)),
    ("Alkmaar", "West", 110, "72", (1811, 1826)),
    ("Emmen", "Noord", 107, "591", (7811, 7828)),
    ("Delft", "Randstad", 104, "15", (2611, 2629)),
    ("Venlo", "Zuid", 102, "77", (5911, 5928)),
    ("Deventer", "Oost", 101, "570", (7411, 7431)),
    ("Helmond", "Zuid", 93, "492", (5701, 5709)),
    ("Oss", "Zuid", 92, "412", (5341, 5345)),
    ("Sittard", "Zuid", 92, "46", (6131, 6137)),
    ("Hilversum", "Randstad", 91, "35", (1211, 1223)),
    ("Heerlen", "Zuid", 87, "45", (6411, 6419)),
    ("Purmerend", "West", 81, "299", (1441, 1448)),
    ("Hengelo", "Oost", 81, "74", (7550, 7559)),
    ("Lelystad", "Oost", 80, "320", (8211, 8245)),
    ("Schiedam", "Randstad", 79, "10", (3111, 3125)),
    ("Roosendaal", "Zuid", 77, "165", (4701, 4709)),
    ("Gouda", "Randstad", 74, "182", (2801, 2809)),
    ("Hoorn", "West", 74, "229", (1620, 1628)),
    ("Spijkenisse", "Randstad", 72, "181", (3201, 3209)),
    ("Veenendaal", "Oost", 68, "318", (3901, 3909)),
    ("Assen", "Noord", 68, "592", (9401, 9409)),
    ("Bergen op Zoom", "Zuid", 68, "164", (4611, 4617)),
    ("Nieuwegein", "Randstad", 63, "30", (3431, 3439)),
    ("Barneveld", "Oost", 60, "342", (3771, 3781)),
    ("Doetinchem", "Oost", 58, "314", (7001, 7009)),
    ("Roermond", "Zuid", 58, "475", (6041, 6046)),
    ("Den Helder", "West", 56, "223", (1781, 1789)),
    ("Hoogeveen", "Noord", 55, "528", (7901, 7909)),
    ("Terneuzen", "West", 54, "115", (4531, 4539)),
    ("Kampen", "Oost", 54, "38", (8261, 8267)),
    ("Heerenveen", "Noord", 51, "513", (8441, 8448)),
    ("Weert", "Zuid", 50, "495", (6001, 6006)),
    ("Middelburg", "West", 49, "118", (4331, 4339)),
    ("Waalwijk", "Zuid", 48, "416", (5141, 5146)),
    ("Drachten", "Noord", 45, "512", (9200, 9206)),
    ("Vlissingen", "West", 45, "118", (4381, 4389)),
    ("Uden", "Zuid", 42, "413", (5401, 5406)),
    ("Goes", "West", 38, "113", (4461, 4465)),
    ("Gorinchem", "West", 37, "183", (4201, 4209)),
    ("Meppel", "Noord", 34, "522", (7941, 7944)),
    ("Sneek", "Noord", 34, "515", (8601, 8608)),
    ("Winterswijk", "Oost", 29, "543", (7101, 7108)),
)
_BE_CITIES = (
    (
        "Antwerpen",
        "Vlaanderen",
        530,
        "3",
        (2000, 2018, 2020, 2030, 2040, 2050, 2060, 2100, 2140, 2170, 2180, 2600, 2610, 2660),
    ),
    ("Gent", "Vlaanderen", 265, "9", (9000, 9030, 9031, 9032, 9040, 9041, 9042, 9050, 9051)),
    ("Brugge", "Vlaanderen", 118, "50", (8000, 8200, 8310, 8380)),
    ("Leuven", "Vlaanderen", 102, "16", (3000, 3001, 3010, 3012, 3018)),
    ("Aalst", "Vlaanderen", 88, "53", (9300, 9308, 9310, 9320)),
    ("Mechelen", "Vlaanderen", 87, "15", (2800, 2801, 2811, 2812)),
    ("Hasselt", "Vlaanderen", 79, "11", (3500, 3501, 3510, 3511, 3512)),
    ("Sint-Niklaas", "Vlaanderen", 78, "3", (9100, 9111, 9112)),
    ("Kortrijk", "Vlaanderen", 77, "56", (8500, 8501, 8510, 8511)),
    ("Oostende", "Vlaanderen", 72, "59", (8400,)),
    ("Genk", "Vlaanderen", 67, "89", (3600,)),
    ("Roeselare", "Vlaanderen", 64, "51", (8800,)),
    ("Beveren", "Vlaanderen", 49, "3", (9120,)),
    ("Beringen", "Vlaanderen", 47, "11", (3580,)),
    ("Turnhout", "Vlaanderen", 46, "14", (2300,)),
    ("Dendermonde", "Vlaanderen", 46, "52", (9200,)),
    ("Vilvoorde", "Vlaanderen", 44, "2", (1800,)),
    ("Lokeren", "Vlaanderen", 42, "9", (9160,)),
    ("Sint-Truiden", "Vlaanderen", 41, "11", (3800,)),
    ("Geel", "Vlaanderen", 40, "14", (2440,)),
    ("Waregem", "Vlaanderen", 38, "56", (8790,)),
    ("Lier", "Vlaanderen", 36, "3", (2500,)),
    ("Ieper", "Vlaanderen", 35, "57", (8900,)),
    ("Tienen", "Vlaanderen", 35, "16", (3300,)),
    ("Herentals", "Vlaanderen", 28, "14", (2200,)),
    # A Flemish seller reaches Brussels and Wallonia less: weights are damped below.
    (
        "Brussel",
        "Brussel/Wallonië",
        1200,
        "2",
        (1000, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1120, 1130, 1140, 1150, 1200),
    ),
    ("Charleroi", "Brussel/Wallonië", 200, "71", (6000, 6001, 6010, 6020)),
    ("Liège", "Brussel/Wallonië", 195, "4", (4000, 4020, 4030)),
    ("Namur", "Brussel/Wallonië", 110, "81", (5000, 5001, 5002, 5020)),
    ("Mons", "Brussel/Wallonië", 95, "65", (7000,)),
    ("La Louvière", "Brussel/Wallonië", 80, "64", (7100,)),
    ("Tournai", "Brussel/Wallonië", 69, "69", (7500,)),
    ("Wavre", "Brussel/Wallonië", 35, "10", (1300,)),
)
_WALLOON_DAMPING = 0.15

# The most common Dutch surnames, with their tussenvoegsel, roughly in order of frequency.
_NL_SURNAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven",
    "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
    "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra",
    "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink",
    "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer",
    "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen",
    "Schipper", "de Koning", "van der Laan", "Koning", "van der Velden", "Driessen",
    "van Doorn", "Hermans", "Evers", "van den Bosch", "van der Meulen", "Hofman", "Bosman",
    "Wolters", "Sanders", "van der Horst", "Mol", "Kuijpers", "Molenaar", "van de Pol",
    "de Leeuw", "Verbeek", "Zijlstra", "Wouters", "Claassen", "Bouma", "Hoogendoorn",
    "van Rijn", "Verschuren", "Terpstra", "van Essen", "Meijerink", "ter Horst", "Oosterhuis",
)  # fmt: skip
_LEGAL_FORMS = {
    "NL": (("B.V.", 40), ("BV", 12), ("", 18), ("V.O.F.", 8), ("VOF", 4), ("Holding B.V.", 3),
           ("N.V.", 2), ("C.V.", 1)),
    "BE": (("NV", 20), ("BV", 25), ("BVBA", 15), ("bv", 6), ("", 15), ("CommV", 4),
           ("VOF", 4), ("nv", 3)),
}  # fmt: skip
_SECTOR_WORDS = {
    "groothandel": ("Groothandel", "Handelsonderneming", "Distributie", "Trading", "Import",
                    "Handelmaatschappij"),
    "bouw": ("Bouw", "Bouwbedrijf", "Aannemersbedrijf", "Installatietechniek", "Dakwerken",
             "Schildersbedrijf", "Timmerbedrijf", "Elektrotechniek", "Loodgietersbedrijf"),
    "horeca": ("Café", "Eetcafé", "Restaurant", "Hotel", "Brasserie", "Lunchroom",
               "Grand Café", "Hotel-Restaurant"),
    "zorg": ("Zorggroep", "Thuiszorg", "Tandartspraktijk", "Fysiotherapie",
             "Huisartsenpraktijk", "Zorgcentrum", "Apotheek"),
    "industrie": ("Metaal", "Machinefabriek", "Kunststoffen", "Staalbouw", "Constructie",
                  "Metaalbewerking", "Verpakkingen", "Productie"),
    "retail": ("Fietsen", "Wonen", "Tuincentrum", "Bouwmarkt", "Mode", "Supermarkt",
               "Drogisterij", "Interieur"),
    "transport": ("Transport", "Logistiek", "Koeriersdienst", "Expeditie", "Verhuizingen"),
    "zakelijke dienstverlening": ("Accountants", "Adviesgroep", "Facilitaire Diensten",
                                  "Schoonmaakbedrijf", "Advocaten", "Uitzendbureau",
                                  "Beveiliging"),
    "agrarisch": ("Loonbedrijf", "Kwekerij", "Melkveehouderij", "Akkerbouw", "Boomkwekerij",
                  "Tuinbouw"),
    "ICT": ("Automatisering", "IT Solutions", "Software", "ICT", "Digital", "Systems"),
    "onderwijs": ("Scholengroep", "Onderwijsgroep", "Opleidingscentrum", "College"),
    "overheid": ("Gemeente",),
}  # fmt: skip
_HORECA_NOUNS = (
    "Zwaan", "Gouden Leeuw", "Kroon", "Molen", "Zon", "Haven", "Markt", "Brug",
    "Vergulde Hand", "Poort", "Pelikaan", "Posthoorn", "Sleutel", "Waag", "Engel",
)  # fmt: skip
_JOB_TITLES = (
    "Inkoper", "Hoofd inkoop", "Directeur", "Eigenaar", "Directeur-eigenaar",
    "Bedrijfsleider", "Facilitair manager", "Office manager", "Projectleider",
    "Technisch manager", "Financieel administrateur", "Werkvoorbereider",
    "Operationeel manager", "Logistiek manager", "Administratief medewerker",
    "Manager bedrijfsvoering", "Chef werkplaats",
)  # fmt: skip

# Product groups of a technical wholesaler: (name, median price EUR, median quantity,
# share of products sold by length or weight with decimal quantities).
_PRODUCT_GROUPS = (
    ("Bevestigingsmaterialen", 6.0, 25.0, 0.0),
    ("Gereedschap", 45.0, 2.0, 0.0),
    ("Elektra", 18.0, 6.0, 0.0),
    ("Kabels en leidingen", 3.5, 40.0, 0.9),
    ("Sanitair", 65.0, 2.0, 0.0),
    ("Verwarming", 120.0, 1.5, 0.0),
    ("Verlichting", 35.0, 4.0, 0.0),
    ("Persoonlijke bescherming", 12.0, 8.0, 0.0),
    ("Schoonmaakmiddelen", 9.0, 10.0, 0.2),
    ("Verpakkingsmaterialen", 4.0, 30.0, 0.1),
    ("Kantoorartikelen", 5.0, 12.0, 0.0),
    ("Bouwmaterialen", 14.0, 20.0, 0.5),
    ("Lijmen & kitten", 8.0, 8.0, 0.0),
    ("Verf, lak en beits", 28.0, 4.0, 0.3),
)
_N_PRODUCTS = 2500

# Invoice volume per calendar month (summer holidays and December are quiet).
_MONTH_SEASON = (0.92, 0.97, 1.08, 1.02, 1.03, 1.05, 0.74, 0.68, 1.08, 1.1, 1.1, 0.92)

# Activity rates per year by relation kind, in ACTIVITY_TYPES order: visit, call,
# meeting, seminar, trade_fair, web_form, campaign_sent, campaign_response, email_out,
# email_in. Customer visits, calls and meetings are scaled up with customer size.
_ACTIVITY_RATES = np.array(
    [
        [1.2, 2.5, 0.3, 0.12, 0.15, 0.25, 4.0, 0.5, 2.0, 1.5],  # active customer
        [1.0, 2.0, 0.25, 0.1, 0.12, 0.2, 4.0, 0.4, 1.5, 1.2],  # quiet customer
        [0.4, 1.0, 0.15, 0.1, 0.15, 0.2, 3.0, 0.25, 1.0, 0.4],  # prospect
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.3, 0.0],  # suspect: one-way only
    ]
)
_TYPE_INDEX = {name: i for i, name in enumerate(ACTIVITY_TYPES)}
# Activity types done by marketing automation: no salesperson, often no contact person.
_MARKETING_TYPES = np.array([t in ("campaign_sent", "campaign_response", "web_form")
                             for t in ACTIVITY_TYPES])  # fmt: skip
# Types that happen in office hours on working days (others: any time, any day).
_OFFICE_TYPES = np.array([t not in ("web_form", "email_in", "campaign_response")
                          for t in ACTIVITY_TYPES])  # fmt: skip
_TWO_WAY_TYPES = np.array([t not in ONE_WAY_ACTIVITY_TYPES for t in ACTIVITY_TYPES])

# Payment behaviour profiles: punctual, slow, habitual late payer.
_PROFILE_SHARES = (0.65, 0.25, 0.10)
_P_NEVER_PAID = np.array([0.002, 0.01, 0.06])
_P_PARTIAL = np.array([0.02, 0.06, 0.2])

_OUR_DOMAIN = "vanderlinde-techniek.nl"
