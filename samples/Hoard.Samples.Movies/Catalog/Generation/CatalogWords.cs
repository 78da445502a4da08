namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>The vocabulary of the generated catalogue, in sakila's style ("ACADEMY DINOSAUR", "A Epic Drama of a ...").</summary>
internal static class CatalogWords
{
    /// <summary>sakila's languages, in its id order.</summary>
    public static readonly string[] Languages = ["English", "Italian", "Japanese", "Mandarin", "French", "German"];

    /// <summary>sakila's sixteen categories, in its id order.</summary>
    public static readonly string[] Categories =
    [
        "Action", "Animation", "Children", "Classics", "Comedy", "Documentary", "Drama", "Family",
        "Foreign", "Games", "Horror", "Music", "New", "Sci-Fi", "Sports", "Travel",
    ];

    public static readonly string[] Ratings = ["G", "PG", "PG-13", "R", "NC-17"];

    public static readonly decimal[] RentalRates = [0.99m, 2.99m, 4.99m];

    public static readonly string[] TitleFirstWords =
    [
        "AMBER", "ARCTIC", "ATOMIC", "AUTUMN", "BALLAD", "BANDIT", "BEACON", "BLIND", "BRASS", "BROKEN",
        "CANYON", "CARNIVAL", "CEDAR", "CIRCUS", "COBALT", "COPPER", "CRIMSON", "CRYSTAL", "DESERT", "DIAMOND",
        "DISTANT", "DRIFT", "EASTERN", "ECHO", "ELECTRIC", "EMPIRE", "FALLEN", "FOREST", "FROZEN", "GALAXY",
        "GOLDEN", "GRANITE", "HARBOR", "HIDDEN", "HOLLOW", "IRON", "IVORY", "JUNGLE", "LANTERN", "LUNAR",
        "MIDNIGHT", "MIRROR", "NORTHERN", "OCEAN", "PAPER", "QUIET", "RIVER", "SILVER", "VELVET", "WINTER",
    ];

    public static readonly string[] TitleSecondWords =
    [
        "ALIBI", "ANTHEM", "ARROW", "BARON", "BLUEPRINT", "BRIDGE", "CAPTAIN", "CASTLE", "CHARM", "CIPHER",
        "COMET", "CONTRACT", "CROWN", "DANCER", "DETECTIVE", "DIARY", "DRAGON", "DREAMER", "EXPRESS", "FALCON",
        "FORTUNE", "FUGITIVE", "GAMBIT", "GARDEN", "GHOST", "GIANT", "GUARDIAN", "HEIST", "HUNTER", "ISLAND",
        "JOURNEY", "KINGDOM", "LEGEND", "MACHINE", "MASQUERADE", "MERCHANT", "NOMAD", "ORACLE", "PILGRIM", "PROPHECY",
        "QUEST", "REBEL", "RIDDLE", "SAGA", "SENTINEL", "SPY", "STRANGER", "TEMPEST", "VOYAGE", "WANDERER",
    ];

    public static readonly string[] FirstNames =
    [
        "ADA", "ALAN", "ALMA", "ANTON", "BEATRIX", "BORIS", "CARMEN", "CEDRIC", "DALIA", "DESMOND",
        "EDITH", "ELIAS", "FLORA", "FELIX", "GRETA", "GIDEON", "HANNA", "HUGO", "IRIS", "IVAN",
        "JUNE", "JASPER", "KARA", "KENJI", "LENA", "LUCAS", "MARGOT", "MILO", "NADIA", "NOEL",
        "OLIVE", "OSCAR", "PAULA", "PIETRO", "RUTH", "RUFUS", "SELMA", "SILAS", "TESSA", "VIKTOR",
    ];

    public static readonly string[] LastNames =
    [
        "ABERNATHY", "BALDWIN", "BECKETT", "CALLOWAY", "CARRADINE", "DELACROIX", "DUNMORE", "ELLINGTON", "FAIRBANKS", "FONTAINE",
        "GALLAGHER", "GRIMALDI", "HARTLEY", "HOLLOWAY", "IVERSON", "JAMESON", "KESSLER", "LANCASTER", "LINDQVIST", "MARLOWE",
        "MONTROSE", "NAKAMURA", "NORTHCOTT", "OKONKWO", "PEMBERTON", "QUINTERO", "RADCLIFFE", "ROSSETTI", "SALINGER", "SORENSEN",
        "THORNTON", "TREMBLAY", "UNDERWOOD", "VALENTINE", "VASQUEZ", "WALLACE", "WHITMORE", "YAMADA", "ZELLER", "ZIMMERMAN",
    ];

    public static readonly string[] Adjectives =
    [
        "Astounding", "Awe-Inspiring", "Beautiful", "Boring", "Brilliant", "Emotional", "Epic", "Fanciful",
        "Fast-Paced", "Insightful", "Intrepid", "Lackluster", "Taut", "Thoughtful", "Touching", "Unbelievable",
    ];

    public static readonly string[] Forms =
    [
        "Character Study", "Documentary", "Drama", "Display", "Epistle", "Panorama", "Reflection", "Saga",
        "Story", "Tale", "Yarn", "Chronicle",
    ];

    public static readonly string[] Characters =
    [
        "Astronaut", "Boat", "Car", "Cat", "Composer", "Crocodile", "Database Administrator", "Dentist", "Dog",
        "Explorer", "Feminist", "Forensic Psychologist", "Frisbee", "Girl", "Hunter", "Husband", "Lumberjack",
        "Mad Cow", "Mad Scientist", "Man", "Monkey", "Moose", "Pastry Chef", "Pioneer", "Robot", "Secret Agent",
        "Shark", "Student", "Sumo Wrestler", "Teacher", "Technical Writer", "Woman",
    ];

    public static readonly string[] Verbs =
    [
        "Battle", "Build", "Chase", "Conquer", "Defeat", "Discover", "Escape", "Find", "Fight", "Kill",
        "Meet", "Outgun", "Outrace", "Overcome", "Pursue", "Reach", "Redeem", "Sink", "Succumb", "Vanquish",
    ];

    public static readonly string[] Places =
    [
        "A Balloon", "A Jet Boat", "A Manhattan Penthouse", "A MySQL Convention", "A Shark Tank", "A U-Boat",
        "Ancient China", "Ancient India", "Australia", "Berlin", "Nigeria", "Soviet Georgia", "The Canadian Rockies",
        "The First Manned Space Station", "The Gulf of Mexico", "The Outback", "The Sahara Desert", "An Abandoned Fun House",
    ];
}
