package demo

// The reference data the generator draws from. The bank is a Nordic bank
// with customers across Europe and some in North America; merchants are
// more international (online services are often registered in IE, NL or
// US).

// country is an ISO 3166-1 alpha-2 country with its share of the bank's
// customers and of its merchants, its currency, names and e-mail domains.
type country struct {
	code      string
	customers float64 // relative share of customers
	merchants float64 // relative share of merchants
	currency  string  // ISO 4217
	perEUR    float64 // units of currency per euro, for amounts and spend_7d
	tld       string  // for company e-mail domains
	region    int     // index into regions, for names
	isps      []string
}

var countries = []country{
	{"SE", 240, 180, "SEK", 11.2, "se", nordic, []string{"telia.com", "bredband.net", "spray.se"}},
	{"DE", 110, 100, "EUR", 1, "de", germanic, []string{"gmx.de", "web.de", "t-online.de"}},
	{"GB", 90, 100, "GBP", 0.85, "co.uk", english, []string{"btinternet.com", "sky.com", "virginmedia.com"}},
	{"NO", 80, 60, "NOK", 11.6, "no", nordic, []string{"online.no", "telenor.no"}},
	{"DK", 70, 50, "DKK", 7.46, "dk", nordic, []string{"mail.dk", "youmail.dk"}},
	{"FI", 70, 50, "EUR", 1, "fi", nordic, []string{"elisanet.fi", "luukku.com"}},
	{"NL", 50, 70, "EUR", 1, "nl", germanic, []string{"ziggo.nl", "kpnmail.nl"}},
	{"FR", 50, 50, "EUR", 1, "fr", southern, []string{"orange.fr", "free.fr", "laposte.net"}},
	{"US", 50, 120, "USD", 1.08, "com", english, []string{"aol.com", "comcast.net", "att.net"}},
	{"ES", 35, 30, "EUR", 1, "es", southern, []string{"telefonica.net", "movistar.es"}},
	{"IT", 30, 30, "EUR", 1, "it", southern, []string{"libero.it", "virgilio.it", "tiscali.it"}},
	{"PL", 30, 25, "PLN", 4.3, "pl", eastern, []string{"wp.pl", "onet.pl", "interia.pl"}},
	{"IE", 20, 60, "EUR", 1, "ie", english, []string{"eircom.net"}},
	{"BE", 15, 15, "EUR", 1, "be", germanic, []string{"skynet.be", "telenet.be"}},
	{"AT", 15, 15, "EUR", 1, "at", germanic, []string{"aon.at", "chello.at"}},
	{"CH", 15, 20, "CHF", 0.95, "ch", germanic, []string{"bluewin.ch", "sunrise.ch"}},
	{"PT", 10, 10, "EUR", 1, "pt", southern, []string{"sapo.pt"}},
	{"EE", 10, 10, "EUR", 1, "ee", eastern, []string{"hot.ee"}},
	{"CA", 5, 5, "CAD", 1.48, "ca", english, []string{"rogers.com", "shaw.ca"}},
	{"IS", 5, 0, "ISK", 150, "is", nordic, []string{"simnet.is"}},
}

// Customers' name regions.
const (
	nordic = iota
	germanic
	english
	southern
	eastern
)

var regions = [...]struct{ first, last []string }{
	nordic: {
		first: []string{"Anna", "Erik", "Lars", "Karin", "Johan", "Maria", "Nils", "Ingrid", "Mikael", "Sofia",
			"Oskar", "Elin", "Magnus", "Åsa", "Henrik", "Linnea", "Björn", "Sigrid", "Mads", "Aino",
			"Juha", "Freja", "Ole", "Liv", "Emil"},
		last: []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
			"Svensson", "Lindqvist", "Hansen", "Johansen", "Olsen", "Nielsen", "Jensen", "Sørensen", "Korhonen",
			"Virtanen", "Mäkinen", "Nieminen", "Berg", "Lund", "Dahl", "Holm", "Sigurðsson"},
	},
	germanic: {
		first: []string{"Lukas", "Hannah", "Felix", "Lea", "Jonas", "Laura", "Maximilian", "Julia", "Paul", "Sophie",
			"Jan", "Emma", "Daan", "Sanne", "Thomas", "Anke", "Niklas", "Marie", "Stefan", "Katrin"},
		last: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
			"Schäfer", "de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Peeters", "Gruber", "Huber",
			"Keller", "Brunner"},
	},
	english: {
		first: []string{"Oliver", "Olivia", "James", "Emily", "William", "Charlotte", "Jack", "Amelia", "Harry",
			"Grace", "Michael", "Jennifer", "David", "Sarah", "Sean", "Aoife", "Daniel", "Jessica", "Liam", "Chloe"},
		last: []string{"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Johnson",
			"Miller", "Murphy", "Kelly", "O'Sullivan", "Walsh", "Thompson", "Clarke", "Robinson", "Wright",
			"Walker", "Tremblay"},
	},
	southern: {
		first: []string{"Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Alejandro", "Lucía", "Pablo", "Carmen",
			"Marco", "Giulia", "Alessandro", "Francesca", "João", "Inês", "Pierre", "Camille", "Javier", "Chiara"},
		last: []string{"Martin", "Bernard", "Dubois", "Moreau", "Laurent", "García", "Fernández", "González",
			"Rodríguez", "López", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Silva", "Santos",
			"Ferreira", "Lefèvre", "Romano"},
	},
	eastern: {
		first: []string{"Jakub", "Zuzanna", "Kacper", "Julia", "Piotr", "Anna", "Tomasz", "Katarzyna", "Marek",
			"Agnieszka", "Rasmus", "Kadri", "Andrus", "Liis", "Mateusz", "Maja"},
		last: []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
			"Szymański", "Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kuusk"},
	},
}

// Customer segments, with their share of customers.
var segments = []struct {
	name     string
	share    float64
	activity float64 // how much more often the segment's customers pay
	spend    float64 // how much more the segment's customers pay per purchase
}{
	{"retail", 80, 1, 1},
	{"premium", 15, 1.6, 1.8},
	{"business", 5, 2.5, 3},
}

const (
	retail = iota
	premium
	business
)

// Merchant categories: share of merchants, how often their customers pay
// them, the median and spread
// (log-normal sigma) of their purchase amounts, the median of their risk
// score, and words for their names.
var categories = []struct {
	name   string
	share  float64 // of merchants
	freq   float64 // purchases per merchant, relative
	median float64 // amount, in euros
	sigma  float64
	risk   float64
	names  []string
}{
	{"grocery", 20, 3, 32, 0.7, 0.08, []string{"Market", "Foods", "Grocers", "Supermarket", "Deli"}},
	{"restaurants", 15, 2, 28, 0.6, 0.12, []string{"Bistro", "Kitchen", "Trattoria", "Grill", "Sushi Bar", "Café"}},
	{"fuel", 6, 1.5, 55, 0.4, 0.12, []string{"Fuel", "Petrol", "Energy", "Charging"}},
	{"transport", 5, 2, 12, 0.8, 0.10, []string{"Taxi", "Transit", "Rail", "Mobility"}},
	{"clothing", 9, 0.8, 60, 0.8, 0.18, []string{"Fashion", "Outfitters", "Apparel", "Boutique"}},
	{"electronics", 6, 0.4, 180, 1.0, 0.35, []string{"Electronics", "Tech", "Digital", "Computers"}},
	{"home_garden", 6, 0.6, 75, 1.0, 0.12, []string{"Home", "Garden", "Interiors", "Hardware"}},
	{"health_beauty", 6, 1, 25, 0.8, 0.10, []string{"Pharmacy", "Beauty", "Wellness", "Clinic"}},
	{"travel", 5, 0.3, 320, 1.0, 0.30, []string{"Travel", "Airlines", "Hotels", "Tours"}},
	{"entertainment", 6, 1, 22, 0.9, 0.20, []string{"Cinema", "Tickets", "Games", "Music"}},
	{"online_services", 8, 1.5, 15, 1.0, 0.28, []string{"Cloud", "Online", "Apps", "Streaming"}},
	{"utilities", 3, 0.5, 85, 0.5, 0.05, []string{"Energi", "Telecom", "Water", "Power"}},
	{"gambling", 2, 0.8, 45, 1.3, 0.65, []string{"Casino", "Bet", "Poker", "Lottery"}},
	{"jewelry", 1.5, 0.2, 400, 1.1, 0.50, []string{"Jewellers", "Gold", "Diamonds"}},
	{"crypto", 1.5, 0.3, 250, 1.5, 0.75, []string{"Crypto", "Coin", "Exchange"}},
}

// Words that start merchant names and company e-mail domains.
var nameWords = []string{
	"Nordic", "Baltic", "Golden", "Green", "Blue", "Royal", "City", "Urban", "Star", "Sun", "North", "Oak",
	"Maple", "Harbor", "River", "Alpine", "Corner", "Prime", "Fresh", "Happy", "Silver", "Polar", "Coastal",
	"Metro", "Central", "Little", "Grand", "Old Town", "Smart", "Bright", "Swift", "Linden", "Birch", "Fjord",
	"Atlas", "Nova", "Vista", "Crown", "Harvest", "Copper",
}

var companyWords = []string{
	"consulting", "logistics", "build", "design", "partners", "group", "systems", "trading", "studio",
	"invest", "solutions", "media", "foods", "tech", "works",
}

// Personal e-mail domains used in every country, with their shares; the
// rest of the share goes to the country's ISPs.
var mailDomains = []struct {
	domain string
	share  float64
}{
	{"gmail.com", 38}, {"outlook.com", 13}, {"hotmail.com", 10}, {"icloud.com", 9}, {"yahoo.com", 6},
	{"proton.me", 3},
}

const ispShare = 21 // relative to mailDomains' shares

// Campaign channels and their shares.
var channels = []struct {
	name  string
	share float64
}{
	{"email", 55}, {"push", 20}, {"sms", 14}, {"in_app", 6}, {"direct_mail", 3}, {"phone", 2},
}
