/**
 * Templates for synthetic questions, seeded by the pages in /work/shared/senate/samples:
 * real senators and party labels, addressee titles, subjects, descriptors and the phrasing
 * of questions and answers, each as a French/Dutch pair. `{y1}`, `{y2}` stand for years.
 * Dutch strings deliberately contain ë, é and ï (officiële, België, geïntegreerde) so that
 * pages can be served with the source's damaged characters.
 */
import type { Lang } from '../../src/senate/question-record.ts';

export type Pair = readonly [fr: string, nl: string];

export interface Senator {
  name: string;
  party: string;
  lang: Lang;
}

export const SENATORS: readonly Senator[] = [
  { name: 'Bert Anciaux', party: 'sp.a', lang: 'nl' },
  { name: 'Joris Van Hauthem', party: 'Vlaams Belang', lang: 'nl' },
  { name: 'Karim Van Overmeire', party: 'Vlaams Belang', lang: 'nl' },
  { name: 'Patrik Vankrunkelsven', party: 'Open Vld', lang: 'nl' },
  { name: 'Martine Taelman', party: 'Open Vld', lang: 'nl' },
  { name: 'Bart Tommelein', party: 'Open Vld', lang: 'nl' },
  { name: 'Jurgen Ceder', party: 'Vlaams Belang', lang: 'nl' },
  { name: 'Louis Ide', party: 'N-VA', lang: 'nl' },
  { name: 'Nele Lijnen', party: 'Open Vld', lang: 'nl' },
  { name: 'Bart De Nijn', party: 'N-VA', lang: 'nl' },
  { name: "Guy D'haeseleer", party: 'Vlaams Belang', lang: 'nl' },
  { name: 'Petra De Sutter', party: 'Ecolo-Groen', lang: 'nl' },
  { name: 'Yves Buysse', party: 'Vlaams Belang', lang: 'nl' },
  { name: 'Elke Sleurs', party: 'N-VA', lang: 'nl' },
  { name: 'Karl Vanlouwe', party: 'N-VA', lang: 'nl' },
  { name: 'Hugo Vandenberghe', party: 'CD&V', lang: 'nl' },
  { name: 'Ann Somers', party: 'Open Vld', lang: 'nl' },
  { name: 'Guido De Padt', party: 'Open Vld', lang: 'nl' },
  { name: 'Patrick De Groote', party: 'N-VA', lang: 'nl' },
  { name: 'Freya Piryns', party: 'Groen', lang: 'nl' },
  { name: 'Christine Defraigne', party: 'MR', lang: 'fr' },
  { name: 'Christie Morreale', party: 'PS', lang: 'fr' },
  { name: 'François Desquesnes', party: 'cdH', lang: 'fr' },
  { name: 'Cécile Thibaut', party: 'Ecolo', lang: 'fr' },
  { name: 'Jean-Paul Procureur', party: 'cdH', lang: 'fr' },
  { name: 'Alain Destexhe', party: 'MR', lang: 'fr' },
  { name: 'Olga Zrihen', party: 'PS', lang: 'fr' },
  { name: 'Bertin Mampaka Mankamba', party: 'cdH', lang: 'fr' },
];

export const ADDRESSEES: readonly Pair[] = [
  ['au ministre de la Justice', 'aan de minister van Justitie'],
  ['à la ministre de la Justice', 'aan de minister van Justitie'],
  ['au ministre des Affaires étrangères', 'aan de minister van Buitenlandse Zaken'],
  ['à la ministre des Affaires sociales et de la Santé publique', 'aan de minister van Sociale Zaken en Volksgezondheid'],
  ['au ministre de l\'Intérieur', 'aan de minister van Binnenlandse Zaken'],
  ['à la ministre de l\'Emploi', 'aan de minister van Werk'],
  ['au ministre de la Mobilité', 'aan de minister van Mobiliteit'],
  ['à la ministre de la Fonction publique et des Entreprises publiques', 'aan de minister van Ambtenarenzaken en Overheidsbedrijven'],
  ['au ministre de la Coopération au développement, chargé des Affaires européennes', 'aan de minister van Ontwikkelingssamenwerking, belast met Europese Zaken'],
  ['à la ministre des Classes moyennes, des PME, des Indépendants et de l\'Agriculture', 'aan de minister van Middenstand, KMO\'s, Zelfstandigen en Landbouw'],
  [
    'à la vice-première ministre et ministre des Affaires sociales et de la Santé publique, chargée de Beliris et des Institutions culturelles fédérales',
    'aan de vice-eersteminister en minister van Sociale Zaken en Volksgezondheid, belast met Beliris en de Federale Culturele Instellingen',
  ],
  ['au vice-premier ministre et ministre de l\'Economie et de l\'Emploi', 'aan de vice-eersteminister en minister van Economie en Werk'],
  [
    'au vice-premier ministre et ministre des Finances et du Développement durable, chargé de la Fonction publique',
    'aan de vice-eersteminister en minister van Financiën en Duurzame Ontwikkeling, belast met Ambtenarenzaken',
  ],
  [
    'au secrétaire d\'État au Budget, à la Politique de migration et d\'asile, à la Politique des familles et aux Institutions culturelles fédérales',
    'aan de staatssecretaris voor Begroting, Migratie- en asielbeleid, Gezinsbeleid en Federale Culturele Instellingen',
  ],
  [
    'au secrétaire d\'État à l\'Intégration sociale et à la Lutte contre la pauvreté',
    'aan de staatssecretaris voor Maatschappelijke Integratie en Armoedebestrijding',
  ],
];

/** Subject parts that can follow any topic's own parts. */
export const SUBJECT_TAILS: readonly Pair[] = [
  ['Chiffres', 'Cijfers'],
  ['Évolution', 'Evolutie'],
  ['Mesures', 'Maatregelen'],
  ['Répartition par Région', 'Opsplitsing per Gewest'],
  ['Coût', 'Kostprijs'],
  ['Statistiques', 'Statistieken'],
  ['Politique fédérale', 'Federaal beleid'],
  ['Concertation avec les Régions', 'Overleg met de Gewesten'],
];

export const LEAD_INS: readonly Pair[] = [
  ['Voici mes questions.', 'Hierover de volgende vragen:'],
  ['D\'où mes questions :', 'Vandaar mijn vragen aan de geachte minister:'],
  ['Je voudrais poser les questions suivantes à la ministre :', 'Graag had ik van de geachte minister een antwoord gekregen op volgende vragen:'],
  ['Pourriez-vous répondre aux questions suivantes :', 'Daarom heb ik voor de geachte minister volgende vragen:'],
];

/** A closing paragraph of context before the questions. */
export const GENERIC_CONTEXT: readonly Pair[] = [
  [
    'Cette matière relève en partie des compétences des Régions et des Communautés ; la présente question porte sur les aspects qui relèvent de l\'autorité fédérale.',
    'Deze materie behoort gedeeltelijk tot de bevoegdheden van de Gewesten en de Gemeenschappen; deze vraag betreft de aspecten die onder de federale overheid vallen.',
  ],
  [
    'Les chiffres publiés jusqu\'ici ne permettent pas de se faire une idée précise de la situation, ni de son évolution au cours des dernières années.',
    'De tot nu toe gepubliceerde cijfers laten niet toe een precies beeld te krijgen van de situatie, noch van de evolutie ervan in de voorbije jaren.',
  ],
  [
    'Plusieurs acteurs de terrain ont attiré mon attention sur ce problème, qui semble prendre de l\'ampleur et appelle une réponse rapide des pouvoirs publics.',
    'Verschillende actoren op het terrein hebben mij op dit probleem gewezen, dat aan omvang lijkt te winnen en een snel antwoord van de overheid vraagt.',
  ],
];

export const GENERIC_ASKS: readonly Pair[] = [
  [
    'Pouvez-vous me communiquer les chiffres pour les années {y1} et {y2}, ventilés par Région ?',
    'Kan de geachte minister mij de cijfers meedelen voor {y1} en {y2}, opgesplitst per Gewest?',
  ],
  ['Comment ces chiffres ont-ils évolué depuis {y1} ?', 'Hoe zijn deze cijfers sinds {y1} geëvolueerd?'],
  ['Quelles mesures concrètes allez-vous prendre ?', 'Welke concrete maatregelen zal de geachte minister nemen?'],
  ['Une concertation avec les Régions et les Communautés est-elle prévue ?', 'Is er overleg gepland met de Gewesten en de Gemeenschappen?'],
  ['Quel est le coût total de ces mesures pour l\'année {y2} ?', 'Wat is de totale kostprijs van deze maatregelen voor het jaar {y2}?'],
  ['Une évaluation est-elle prévue et, dans l\'affirmative, quand ?', 'Is een evaluatie gepland en, zo ja, wanneer?'],
];

export const GENERIC_ANSWERS: readonly Pair[] = [
  ['L\'honorable membre trouvera ci-dessous la réponse à sa question.', 'Het geachte lid vindt hieronder het antwoord op zijn vraag.'],
  [
    'Je vous renvoie à la réponse que j\'ai donnée à une question similaire à la Chambre des représentants.',
    'Ik verwijs het geachte lid naar het antwoord dat ik gaf op een gelijkaardige vraag in de Kamer van volksvertegenwoordigers.',
  ],
  [
    'Les données demandées ne sont pas disponibles sous cette forme. Mon administration ne tient pas de statistiques spécifiques à ce sujet.',
    'De gevraagde gegevens zijn niet in die vorm beschikbaar. Mijn administratie houdt hierover geen specifieke statistieken bij.',
  ],
  [
    'Une évaluation approfondie est en cours ; ses conclusions seront communiquées au Parlement dès qu\'elles seront disponibles.',
    'Een grondige evaluatie is aan de gang; de conclusies zullen aan het Parlement worden meegedeeld zodra ze beschikbaar zijn.',
  ],
  [
    'La matière relève en partie de la compétence des Régions, qui disposent de leurs propres chiffres.',
    'De materie behoort gedeeltelijk tot de bevoegdheid van de Gewesten, die over eigen cijfers beschikken.',
  ],
];

/** Row labels of tables in answers. */
export const REGIONS: readonly Pair[] = [
  ['Région flamande', 'Vlaams Gewest'],
  ['Région wallonne', 'Waals Gewest'],
  ['Région de Bruxelles-Capitale', 'Brussels Hoofdstedelijk Gewest'],
];

export interface Topic {
  subject: readonly Pair[];
  keywords: readonly Pair[];
  intro: readonly Pair[];
  asks: readonly Pair[];
  answers: readonly Pair[];
}

export const TOPICS: readonly Topic[] = [
  {
    subject: [['Prisons', 'Gevangenissen'], ['Surpopulation', 'Overbevolking'], ['Quotas', 'Quota']],
    keywords: [['établissement pénitentiaire', 'strafgevangenis'], ['détenu', 'gedetineerde'], ['personnel pénitentiaire', 'gevangenispersoneel'], ['statistique officielle', 'officiële statistiek']],
    intro: [
      [
        'Lors de récents conflits avec les gardiens de prison au sujet, une fois encore, de la surpopulation carcérale, les syndicats ont lancé la proposition de fixer des quotas pour toutes les prisons.',
        'Naar aanleiding van recente conflicten met de cipiers over, opnieuw, de overbezetting van gevangenissen, lanceerden de vakbonden het voorstel om voor alle gevangenissen quota vast te leggen.',
      ],
      [
        'En fixant un plafond absolu au nombre de détenus par prison, ces quotas mettraient fin à la surpopulation structurelle de quasiment toutes les prisons belges.',
        'Deze zouden een absoluut maximum van gevangenen per gevangenis bepalen en daardoor een einde maken aan de structurele overbevolking van zowat alle gevangenissen in België.',
      ],
    ],
    asks: [
      ['Comment le ministre apprécie-t-il la proposition de fixer pour chaque prison un nombre maximum de détenus ?', 'Hoe apprecieert de geachte minister het voorstel om voor elke gevangenis een maximum aantal gevangenen vast te leggen?'],
      ['Quel était le taux d\'occupation de chaque prison au 1er janvier {y2} ?', 'Wat was de bezettingsgraad van elke gevangenis op 1 januari {y2}?'],
    ],
    answers: [
      ['L\'idée du quota n\'est pas neuve, mais soulève plusieurs questions juridiques et pratiques.', 'Het idee van quota is niet nieuw, maar roept verschillende juridische en praktische vragen op.'],
    ],
  },
  {
    subject: [['Nationalité', 'Nationaliteit'], ['Double nationalité', 'Dubbele nationaliteit'], ['Nombre d\'habitants', 'Aantal inwoners']],
    keywords: [['double nationalité', 'dubbele nationaliteit'], ['statistique démographique', 'bevolkingsstatistiek'], ['naturalisation', 'naturalisatie']],
    intro: [
      [
        'Au cours de la législature précédente, une proposition de loi modifiant le Code de la nationalité belge en ce qui concerne la double nationalité a été déposée à la Chambre.',
        'Tijdens de vorige zittingsperiode werd in de Kamer een wetsvoorstel ingediend tot wijziging van het Wetboek van de Belgische nationaliteit met betrekking tot de dubbele nationaliteit.',
      ],
      [
        'Le Registre national enregistre depuis peu un nouveau type d\'information relatif aux autres nationalités des Belges.',
        'Het Rijksregister registreert sinds kort een nieuw informatietype over de andere nationaliteiten van Belgen, wat de geïntegreerde verwerking van die gegevens mogelijk maakt.',
      ],
    ],
    asks: [
      ['Combien d\'habitants possédant la double nationalité notre pays comptait-il en {y1} ?', 'Hoeveel inwoners met dubbele nationaliteit telde ons land in {y1}?'],
      ['Observe-t-on une tendance à la hausse par rapport aux années précédentes ?', 'Is er sprake van een stijgende tendens in vergelijking met de voorbije jaren?'],
    ],
    answers: [
      ['Le Registre national ne permet de fournir des chiffres fiables qu\'à partir de {y1}.', 'Het Rijksregister laat pas vanaf {y1} toe betrouwbare cijfers te verstrekken.'],
    ],
  },
  {
    subject: [['Office national de l\'emploi (ONEM)', 'Rijksdienst voor arbeidsvoorziening (RVA)'], ['Suspension des allocations de chômage', 'Schorsing van werkloosheidsuitkeringen']],
    keywords: [['Office national de l\'emploi', 'Rijksdienst voor Arbeidsvoorziening'], ['assurance chômage', 'werkloosheidsverzekering'], ['chômeur', 'werkloze'], ['statistique officielle', 'officiële statistiek']],
    intro: [
      [
        'L\'Office national de l\'emploi (ONEM) suspend dans divers cas les allocations de chômage, notamment lorsque la carte de contrôle a été remplie de manière erronée.',
        'De Rijksdienst voor arbeidsvoorziening (RVA) gaat in diverse gevallen over tot schorsing van werkloosheidsuitkeringen, onder andere bij het foutief invullen van de controlekaart.',
      ],
      [
        'Les chômeurs concernés peuvent introduire un recours, individuellement ou par l\'intermédiaire d\'un syndicat.',
        'De betrokken werklozen kunnen beroep aantekenen, individueel dan wel via een vakbond, wat een financiële impact heeft op hun gezin.',
      ],
    ],
    asks: [
      ['Dans combien de cas une suspension a-t-elle été prononcée en {y1} et en {y2} ?', 'In hoeveel gevallen werd in {y1} en {y2} een schorsing uitgesproken?'],
      ['Combien de temps la période de suspension a-t-elle duré en moyenne ?', 'Hoe lang duurde de schorsingsperiode gemiddeld?'],
    ],
    answers: [
      ['Les informations relatives au nombre de suspensions figurent dans le tableau ci-dessous.', 'De informatie betreffende het aantal schorsingen bevindt zich in de onderstaande tabel.'],
    ],
  },
  {
    subject: [['Interdiction de fumer', 'Rookverbod'], ['Lieux publics', 'Openbare lokalen'], ['Contrôle', 'Controle']],
    keywords: [['tabagisme', 'nicotineverslaving'], ['santé publique', 'volksgezondheid'], ['politique de la santé', 'gezondheidsbeleid'], ['inspection sanitaire', 'gezondheidsinspectie']],
    intro: [
      [
        'Le bien-être, la santé publique et la famille sont des compétences communautaires, et l\'usage du tabac s\'inscrit dans ce cadre. Il s\'agit donc d\'une matière transversale.',
        'De beleidsdomeinen welzijn, volksgezondheid en gezin zijn gemeenschapsbevoegdheden en daarin kadert ook het gebruik van tabak. Dit betreft dus een transversale aangelegenheid.',
      ],
      [
        'Au sein du service public fédéral, un service est chargé de contrôler le respect de l\'interdiction de fumer dans les lieux publics.',
        'Binnen de federale overheidsdienst is er een dienst die de naleving van het rookverbod in openbare lokalen moet controleren, ook in cafés en restaurants.',
      ],
    ],
    asks: [
      ['Combien de personnes sont-elles affectées au contrôle de l\'interdiction de fumer ?', 'Hoeveel personen zijn actief bezig met de controle op de toepassing van het rookverbod?'],
      ['Quels sont les résultats de ces contrôles pour {y1} et {y2} ?', 'Wat zijn de resultaten van die controles voor {y1} en {y2}?'],
    ],
    answers: [
      ['Le service d\'inspection Tabac et Alcool compte actuellement une quarantaine de contrôleurs.', 'De inspectiedienst Tabak en Alcohol telt momenteel een veertigtal controleurs.'],
    ],
  },
  {
    subject: [['Mutilations génitales féminines', 'Vrouwelijke genitale verminking'], ['Prévalence', 'Prevalentie'], ['Prévention', 'Preventie']],
    keywords: [['mutilation sexuelle', 'seksuele verminking'], ['statistique officielle', 'officiële statistiek'], ['aide aux victimes', 'slachtofferhulp']],
    intro: [
      [
        'Les mutilations génitales féminines se pratiquent principalement sur le continent africain, au Moyen-Orient et dans certains pays d\'Asie. La Belgique y est également confrontée.',
        'Vrouwelijke genitale verminking komt vooral voor op het Afrikaanse continent, in het Midden-Oosten en in sommige landen in Azië. Ook België krijgt ermee te maken.',
      ],
      [
        'Les fillettes nées en Belgique courent le risque d\'être excisées, en Europe ou dans le pays d\'origine pendant les vacances.',
        'Meisjes die in België geboren worden, lopen het gevaar om besneden te worden, hetzij in Europa, hetzij tijdens een vakantie in het land van herkomst.',
      ],
    ],
    asks: [
      ['Combien de femmes excisées vivent-elles actuellement en Belgique ?', 'Hoeveel besneden vrouwen leven er momenteel in België?'],
      ['Combien de plaintes ont-elles été déposées en {y1} et en {y2} ?', 'Hoeveel klachten werden er in {y1} en {y2} ingediend?'],
    ],
    answers: [
      ['Une nouvelle étude de prévalence a été commandée ; ses résultats sont attendus en {y2}.', 'Een nieuwe prevalentiestudie werd besteld; de resultaten worden in {y2} verwacht.'],
    ],
  },
  {
    subject: [['Zones de police locale', 'Lokale politiezones'], ['Situation financière', 'Financiële situatie']],
    keywords: [['police locale', 'gemeentepolitie'], ['finances locales', 'lokale financiën'], ['budget', 'begroting']],
    intro: [
      [
        'Les articles 66 à 84 de la loi sur la police intégrée prévoient que les décisions relatives aux comptes annuels des zones de police sont soumises à la tutelle du gouverneur.',
        'Artikel 66 tot 84 van de wet op de geïntegreerde politie stelt dat de besluiten betreffende de jaarrekeningen van de politiezones onderworpen zijn aan het toezicht van de gouverneur.',
      ],
      [
        'Plusieurs zones signalent des difficultés budgétaires croissantes.',
        'Verschillende zones melden toenemende budgettaire moeilijkheden en vragen een financiële inspanning van de federale overheid.',
      ],
    ],
    asks: [
      ['Quelle est la situation financière générale des zones de police locale en {y2} ?', 'Wat is de algemene financiële situatie van de lokale politiezones anno {y2}?'],
      ['À quelles causes cette évolution est-elle due ?', 'Aan welke oorzaken is deze evolutie te wijten?'],
    ],
    answers: [
      ['La dotation fédérale aux zones de police a été indexée chaque année depuis {y1}.', 'De federale dotatie aan de politiezones werd sinds {y1} elk jaar geïndexeerd.'],
    ],
  },
  {
    subject: [['Demandeurs d\'asile', 'Asielzoekers'], ['Accueil', 'Opvang'], ['Pouvoirs locaux', 'Lokale besturen']],
    keywords: [['demandeur d\'asile', 'asielzoeker'], ['asile politique', 'politiek asiel'], ['CPAS', 'OCMW'], ['Agence fédérale pour l\'accueil des demandeurs d\'asile', 'Federaal Agentschap voor de opvang van asielzoekers']],
    intro: [
      [
        'Depuis un certain temps déjà, les pouvoirs locaux se voient imposer l\'accueil de demandeurs d\'asile.',
        'Reeds geruime tijd krijgen de lokale besturen verplicht asielzoekers toegewezen, vaak zonder dat de gemeente vooraf geïnformeerd wordt.',
      ],
      [
        'Les communes et les CPAS ne sont pas toujours informés à l\'avance des projets concrets.',
        'De gemeenten en de OCMW\'s worden niet altijd vooraf op de hoogte gebracht van de concrete plannen.',
      ],
    ],
    asks: [
      ['Combien de demandeurs d\'asile ont-ils été attribués à chaque commune en {y1} ?', 'Hoeveel asielzoekers werden in {y1} aan elke gemeente toegewezen?'],
      ['Quels frais ont-ils été payés à cet effet à chaque commune ?', 'Welke kosten werden daarvoor aan elke gemeente betaald?'],
    ],
    answers: [
      ['Le nombre de places d\'accueil a été augmenté de 10 % depuis {y1}.', 'Het aantal opvangplaatsen werd sinds {y1} met 10 % verhoogd.'],
    ],
  },
  {
    subject: [['Perturbateurs endocriniens', 'Hormoonverstoorders'], ['Tests complémentaires', 'Bijkomende tests']],
    keywords: [['perturbateur endocrinien', 'hormoonverstoorder'], ['produit chimique', 'chemisch product'], ['substance dangereuse', 'gevaarlijke stof'], ['risque sanitaire', 'gezondheidsrisico']],
    intro: [
      [
        'En réponse à une question écrite précédente, vous avez indiqué que la Belgique devait procéder à des tests complémentaires pour déterminer si certains bisphénols sont des perturbateurs endocriniens.',
        'In antwoord op een eerdere schriftelijke vraag gaf u aan dat België bijkomende tests moest uitvoeren om na te gaan of bepaalde bisfenolen hormoonverstorend zijn.',
      ],
      [
        'La Commission européenne doit définir les quelque sept cents substances chimiques qui relèvent de cette catégorie.',
        'De Europese Commissie moet de zowat zevenhonderd chemische stoffen definiëren die tot deze categorie behoren.',
      ],
    ],
    asks: [
      ['De quel protocole de tests s\'agit-il précisément ?', 'Over welk testprotocol gaat het precies?'],
      ['Quand les résultats de ces tests seront-ils connus ?', 'Wanneer zullen de resultaten van die tests bekend zijn?'],
    ],
    answers: [
      ['Les tests sont coordonnés au niveau européen par l\'Agence européenne des produits chimiques.', 'De tests worden op Europees niveau gecoördineerd door het Europees Agentschap voor chemische stoffen.'],
    ],
  },
  {
    subject: [['Passages à niveau', 'Overwegen'], ['Sécurisation', 'Beveiliging'], ['Suppression', 'Afschaffing']],
    keywords: [['Société nationale des chemins de fer belges', 'Nationale Maatschappij der Belgische Spoorwegen'], ['accident de transport', 'ongeval bij het vervoer'], ['réseau ferroviaire', 'spoorwegnet'], ['sécurité routière', 'verkeersveiligheid']],
    intro: [
      [
        'L\'accident mortel survenu récemment à un passage à niveau montre l\'importance de la sécurisation des passages à niveau.',
        'Het dodelijke ongeval dat zich onlangs voordeed op een overweg toont het belang aan van de beveiliging van spooroverwegen.',
      ],
      [
        'Il s\'agit d\'une compétence partagée entre les Régions, chargées de la sécurité routière, et le gestionnaire de l\'infrastructure ferroviaire.',
        'Dat is een gedeelde bevoegdheid van de Gewesten, bevoegd voor de verkeersveiligheid, en de spoorinfrastructuurbeheerder, die een efficiënte aanpak vergt.',
      ],
    ],
    asks: [
      ['Combien de passages à niveau ont-ils été supprimés en {y1} et en {y2} ?', 'Hoeveel overwegen werden er in {y1} en {y2} afgeschaft?'],
      ['Quel budget est-il prévu pour leur sécurisation ?', 'Welk budget is er uitgetrokken voor hun beveiliging?'],
    ],
    answers: [
      ['Infrabel poursuit son plan de suppression des passages à niveau dangereux.', 'Infrabel zet zijn plan voor de afschaffing van gevaarlijke overwegen voort.'],
    ],
  },
  {
    subject: [['Médicaments', 'Geneesmiddelen'], ['Remboursement', 'Terugbetaling'], ['INAMI', 'RIZIV']],
    keywords: [['médicament', 'geneesmiddel'], ['assurance maladie', 'ziekteverzekering'], ['coût de la santé', 'gezondheidskosten'], ['ticket modérateur', 'remgeld']],
    intro: [
      [
        'Entre {y1} et {y2}, le nombre de médicaments prescrits a fortement augmenté en Belgique.',
        'Tussen {y1} en {y2} is het aantal voorgeschreven geneesmiddelen in België sterk gestegen, wat ook voor patiënten gevolgen heeft.',
      ],
      [
        'L\'assurance maladie envisage des conditions plus strictes pour les remboursements.',
        'De ziekteverzekering overweegt strengere voorwaarden voor de terugbetalingen.',
      ],
    ],
    asks: [
      ['Quelles mesures concrètes allez-vous prendre afin de réduire les dépenses de l\'INAMI ?', 'Welke concrete maatregelen zal u nemen om de uitgaven van het RIZIV te verminderen?'],
      ['Comment expliquez-vous l\'augmentation de la consommation de médicaments ?', 'Hoe verklaart u de stijging van het geneesmiddelengebruik?'],
    ],
    answers: [
      ['Les conditions de remboursement mentionnent déjà explicitement ces situations.', 'De terugbetalingsvoorwaarden vermelden die situaties reeds uitdrukkelijk.'],
    ],
  },
  {
    subject: [['Postes diplomatiques', 'Diplomatieke posten'], ['Instructions', 'Instructies']],
    keywords: [['représentation diplomatique', 'diplomatieke vertegenwoordiging'], ['directive', 'richtlijn'], ['situation politique', 'politieke situatie']],
    intro: [
      [
        'Le ministre a diffusé auprès des postes diplomatiques belges une note contenant des instructions.',
        'De geachte minister liet onder de Belgische diplomatieke posten een nota met instructies verspreiden over de politieke situatie in België.',
      ],
      [
        'Ces instructions visaient à expliquer la situation politique du pays à l\'étranger.',
        'Die instructies moesten de politieke toestand van het land in het buitenland toelichten.',
      ],
    ],
    asks: [
      ['Le ministre peut-il me transmettre cette note ?', 'Kan de geachte minister mij deze nota bezorgen?'],
      ['Comment évalue-t-il les résultats de cette note ?', 'Hoe evalueert hij de resultaten van deze nota?'],
    ],
    answers: [
      ['Les chefs de poste ont donné des explications dans leurs contacts formels et informels.', 'De posthoofden hebben in hun formele en informele contacten toelichting gegeven.'],
    ],
  },
  {
    subject: [['Pensions', 'Pensioenen'], ['Demandes', 'Aanvragen'], ['Communes à facilités', 'Faciliteitengemeenten']],
    keywords: [['Office national des pensions', 'Rijksdienst voor Pensioenen'], ['régime de retraite', 'pensioenregeling'], ['répartition géographique', 'geografische spreiding']],
    intro: [
      [
        'J\'ai adressé précédemment une question écrite relative à la répartition linguistique des demandes de pension introduites dans les communes à facilités.',
        'Eerder stelde ik een schriftelijke vraag over de taalverdeling van de pensioenaanvragen die in de faciliteitengemeenten werden ingediend.',
      ],
      [
        'La réponse indiquait que l\'Office ne tient pas de statistiques spécifiques, alors que d\'autres réponses semblent montrer le contraire.',
        'Het antwoord stelde dat de Rijksdienst geen specifieke statistieken bijhoudt, terwijl andere antwoorden het tegendeel lijken aan te tonen.',
      ],
    ],
    asks: [
      ['Combien de demandes de pension l\'Office a-t-il reçues pour les années {y1} à {y2} inclus ?', 'Hoeveel pensioenaanvragen ontving de Rijksdienst voor de jaren {y1} tot en met {y2}?'],
    ],
    answers: [
      ['L\'Office national des pensions ne tient pas de statistiques par langue de la demande.', 'De Rijksdienst voor Pensioenen houdt geen statistieken bij volgens de taal van de aanvraag.'],
    ],
  },
];
