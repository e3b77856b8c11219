"""Function words left out of word clouds and keywords, for the languages Agora's pages speak.

Written for Agora (same licence as the project). The general-purpose lists on PyPI
(``stop-words``, ``stopwords-iso``) also drop content words such as "research", "world",
"value" or "open", which are exactly what a word cloud at a cooperation session is about;
these lists keep to articles, pronouns, prepositions, conjunctions and auxiliary verbs.
Words are stored folded (lower case, no accents), as ``agora.text.words`` compares them.
"""

from __future__ import annotations

_LISTS = {
    "en": """a an the and or but nor so yet if then than that this these those there here
        i me my mine we us our ours you your yours he him his she her hers it its they them
        their theirs who whom whose which what where when why how
        of in on at to for from by with without about into onto over under between through
        during before after above below up down out off as per via
        is am are was were be been being do does did done have has had having
        will would shall should can could may might must
        not no also too very just only all any some each every both either neither such
        own same other more most much many few less lot lots etc
        don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't
        shouldn't it's i'm i've i'd we're we've they're they've that's there's let's""",
    "fr": """le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi
        dont ou ce cet cette ces ca cela celui celle ceux celles
        je j me m moi tu te t toi il elle on nous vous ils elles se s lui leur leurs eux
        mon ma mes ton ta tes son sa ses notre nos votre vos
        dans en sur sous par pour avec sans chez entre vers contre pendant depuis avant apres
        est sont etre ete etait etaient suis es sommes etes ai as a avons avez ont avoir
        ne pas plus tres aussi tout tous toute toutes y si comme""",
    "de": """der die das den dem des ein eine einer eines einem einen und oder aber denn
        sondern dass ob wenn als wie
        ich mich mir du dich dir er ihn ihm sie es wir uns ihr euch man sich
        mein meine dein deine sein seine ihre unser unsere euer eure
        in im ins an am auf aus bei mit nach seit von vom zu zum zur ueber unter vor hinter
        neben zwischen durch fuer gegen ohne um
        ist sind war waren bin bist sein gewesen hat habe haben hatte hatten wird werden wurde
        kann koennen muss soll nicht kein keine auch sehr noch schon nur so""",
    "es": """el la los las lo un una unos unas y e o u pero ni que como si
        yo me mi mis tu te ti tus el ella ello nosotros nosotras vosotros ellos ellas se le les
        su sus nuestro nuestra nuestros nuestras
        de del al a en con sin por para sobre entre hacia hasta desde durante ante tras
        es son ser fue fueron era eran soy somos esta estan estar estado ha han he hemos haber
        no muy tambien mas ya todo todos toda todas este esta estos estas ese esa esos esas""",
    "it": """il lo la i gli le l un uno una e ed o ma che se come ne
        io me mi tu te ti lui lei noi ci voi vi loro si
        mio mia miei mie tuo tua suo sua suoi sue nostro nostra vostro vostra
        di del dello della dei degli delle a al allo alla ai agli alle da dal dalla dai
        in nel nello nella nei negli nelle su sul sulla sui con per tra fra
        e sono essere era erano stato stata ho hai ha abbiamo avete hanno avere
        non piu molto anche tutto tutti tutta tutte questo questa questi queste quello quella""",
    "pt": """o a os as um uma uns umas e ou mas nem que se como
        eu me mim tu te ti ele ela nos vos eles elas lhe lhes
        meu minha meus minhas seu sua seus suas nosso nossa nossos nossas
        de do da dos das em no na nos nas ao aos por pelo pela pelos pelas para com sem
        sobre entre ate desde durante
        e sao ser foi foram era eram esta estao estar estado tem ter tinha ha
        nao muito tambem mais ja todo todos toda todas este esta estes estas esse essa""",
    "hr": """i a ali ili pa te niti da je li ako kao sto sto
        ja me mene mi ti te tebe on ona ono oni one ga ih im se si
        moj moja moje tvoj tvoja njegov njezin nas nasa nase vas vasa njihov
        u na o od do za iz s sa k ka po pri prema kroz bez izmedu nad pod
        sam si je smo ste su biti bio bila bilo bili ce cu cemo hocu
        ne vrlo jos vec sve svi taj ta to ovaj ova ovo""",
    "ro": """un o niste si sau dar ci iar ca daca cum ce care cine
        eu ma mie mi tu te tie ti el ea noi voi ei ele il o ii le se isi
        meu mea mei mele tau ta sau sa nostru noastra vostru vostra lor
        de din la in pe cu fara pentru prin despre intre dintre spre pana dupa inainte al ale ai a
        este sunt fi fost era erau am ai are avem aveti au avea
        nu foarte mai tot toti toata toate acest aceasta acesti aceste acel acea""",
}

STOP_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split()) for language, words in _LISTS.items()
}


#: Auxiliary verbs and copulas, in lower case *with* accents (French "a", has, is one of
#: them; "à", to, is not). A theme's label is a phrase without a verb: it never crosses them,
#: so "La barrière de la langue a ralenti…" gives "Barrière de la langue".
_AUXILIARIES = {
    "en": """is are was were be been being am has have had will would shall should can could
        may might must does did""",
    "fr": "a ont est sont était étaient etait etaient été ete sera seront avait avaient fut",
    "de": """ist sind war waren hat haben hatte hatten wird werden wurde wurden kann können
        muss müssen soll sollen""",
    "es": "es son fue fueron era eran está están ha han había habían será serán",
    "it": "è e' sono era erano ha hanno ho aveva avevano fu sarà stato stata stati",
    "pt": "é são foi foram era eram está estão tem têm tinha tinham será serão",
    "hr": "je su sam smo ste bio bila bilo bili bile će ću ćemo ce cu cemo",
    "ro": "este sunt a au am ai fost era erau va vor",
    "nl": "is zijn was waren heeft hebben had hadden wordt worden werd werden",
    "pl": "jest są był była było byli były będzie",
}
AUXILIARIES: dict[str, frozenset[str]] = {
    language: frozenset(words.split()) for language, words in _AUXILIARIES.items()
}


def auxiliaries(language: str) -> frozenset[str]:
    """Return the lower-case auxiliary verbs and copulas of ``language`` (none if not listed)."""
    return AUXILIARIES.get(language.split("-")[0].lower(), frozenset())


def stop_words(language: str) -> frozenset[str]:
    """Return the folded function words of ``language`` (none for a language not listed)."""
    return STOP_WORDS.get(language.split("-")[0].lower(), frozenset())
