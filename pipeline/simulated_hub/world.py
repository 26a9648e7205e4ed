"""A deterministic, evolving world of Hub models, computed on demand from a seed.

Nothing per model is stored: every attribute of model number ``i`` is a pure function of
``(seed, i)`` and, for counters, of the day. Index order is creation order, so a listing
sorted by ``createdAt`` (descending) walks indices downwards, and a 2.5M-model world costs
no more memory than a 3,000-model one.

The world is also the ground truth the tests compare the pipeline with: which models were
public on a day, their counters, the downloads between two days, and each model's lineage
and true country of origin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

# The Hub's placeholder for repos created before it stored creation dates (HUB_API.md).
CREATED_AT_PLACEHOLDER = "2022-03-02T23:29:04.000Z"
PLACEHOLDER_CUTOFF = datetime(2022, 3, 2, 23, 29, 4, tzinfo=timezone.utc)
# Independent trackers report the all-time counters start on this day (HUB_API.md).
COUNTER_START = date(2025, 2, 27)
WORLD_START = datetime(2019, 1, 1, tzinfo=timezone.utc)
DAY = 86400.0

_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64 finaliser: a fast, well-spread 64-bit hash."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@dataclass(frozen=True)
class Lab:
    namespace: str
    country: str  # ISO 3166-1 alpha-2: the world's truth for the origin attribution
    weight: float  # relative popularity of its releases
    family: str
    sizes: tuple[float, ...]  # billions of parameters
    license: str
    pipeline_tag: str = "text-generation"
    library_name: str = "transformers"


LABS: tuple[Lab, ...] = (
    Lab("Qwen", "CN", 30, "Qwen", (0.5, 1.5, 4, 7, 8, 14, 32, 72), "apache-2.0"),
    Lab("meta-llama", "US", 16, "Llama", (1, 3, 8, 70), "llama3.1"),
    Lab("google", "US", 9, "gemma", (0.27, 1, 4, 12, 27), "gemma"),
    Lab("deepseek-ai", "CN", 8, "DeepSeek", (1.5, 7, 16, 671), "mit"),
    Lab("mistralai", "FR", 6, "Mistral", (7, 12, 24), "apache-2.0"),
    Lab("microsoft", "US", 5, "Phi", (3.8, 14), "mit"),
    Lab("openai", "US", 3, "gpt-oss", (20, 120), "apache-2.0"),
    Lab("nvidia", "US", 3, "Nemotron", (4, 8, 49), "other"),
    Lab("zai-org", "CN", 3, "GLM", (9, 32, 106), "mit"),
    Lab("THUDM", "CN", 1, "chatglm", (6, 9), "other"),
    Lab("moonshotai", "CN", 2, "Kimi", (16, 1000), "other"),
    Lab("BAAI", "CN", 3, "bge", (0.1, 0.3, 0.6), "mit", "sentence-similarity", "sentence-transformers"),
    Lab("stabilityai", "GB", 2, "stable-diffusion", (2, 8), "other", "text-to-image", "diffusers"),
    Lab("black-forest-labs", "DE", 2, "FLUX", (12,), "other", "text-to-image", "diffusers"),
    Lab("tiiuae", "AE", 1, "Falcon", (1, 7, 40), "apache-2.0"),
    Lab("CohereLabs", "CA", 1, "aya", (8, 32), "cc-by-nc-4.0"),
    Lab("LGAI-EXAONE", "KR", 0.6, "EXAONE", (2.4, 7.8, 32), "other"),
    Lab("internlm", "CN", 0.8, "internlm", (7, 20), "apache-2.0"),
    Lab("openbmb", "CN", 0.7, "MiniCPM", (1, 4, 8), "apache-2.0"),
    Lab("allenai", "US", 0.8, "OLMo", (1, 7, 32), "apache-2.0"),
    Lab("sarvamai", "IN", 0.3, "sarvam", (2, 24), "apache-2.0"),
    Lab("swiss-ai", "CH", 0.2, "Apertus", (8, 70), "apache-2.0"),
    Lab("SakanaAI", "JP", 0.2, "TinySwallow", (1.5,), "apache-2.0"),
    Lab("ai21labs", "IL", 0.3, "Jamba", (52,), "other"),
)

# Accounts that mostly quantise or repackage others' models.
INTERMEDIARIES = ("unsloth", "bartowski", "mlx-community", "TheBloke", "lmstudio-community", "QuantFactory")
RELATIONS = ("finetune", "adapter", "quantized", "merge")
_LANGS = ("en", "zh", "fr", "de", "es", "ja", "ko", "ru", "ar", "hi")
_SYLLABLES = ("ka", "ro", "mi", "zen", "lu", "tor", "vi", "an", "sel", "qi", "po", "dra", "ne", "ul", "fe", "xo")
_STANDALONE_TASKS = (
    ("text-classification", "transformers"),
    ("image-classification", "timm"),
    ("automatic-speech-recognition", "transformers"),
    ("reinforcement-learning", "stable-baselines3"),
    ("text-generation", "transformers"),
    ("token-classification", "transformers"),
    (None, None),
)


@dataclass(frozen=True)
class SimModel:
    """The static facts of one model: everything but its counters."""

    index: int
    model_id: str
    author: str
    hub_object_id: str
    created: datetime
    kind: str  # "root" (a lab's base model), "derivative" or "standalone"
    relation: str | None
    parents: tuple[int, ...]
    lab: Lab | None  # the publishing lab, for its own releases
    pipeline_tag: str | None
    library_name: str | None
    license: str | None
    languages: tuple[str, ...]
    gated: bool | str
    params_total: int | None
    params_dtype: str | None
    lists_base_models: bool  # False: lineage only in `base_model:` tags
    peak_daily: float  # downloads/day at release
    decay_days: float
    floor_daily: float
    like_factor: float
    deleted_day: date | None
    goes_private: bool  # now and then made private for a few days, then public again
    float_trending: bool
    extra_field: bool
    counter_reset_day: date | None  # the Hub lowers the all-time counter from this day on
    ci_target: bool  # fetched now and then by someone's CI: one-day bursts of downloads


class World:
    """The simulated Hub's population, evolving day by day.

    ``models_at`` models have been created by ``anchor`` (before deletions); creation keeps
    going at the same growth rate after it, so later days have more models.
    """

    def __init__(self, seed: int = 0, models_at: int = 3000, anchor: date = date(2026, 1, 1),
                 models_cached: int | None = 65_536):
        if models_at < 100:
            raise ValueError("the simulated world needs at least 100 models")
        self.seed = seed
        self.models_at = models_at
        self.anchor = anchor
        # Hub growth: about 2x a year. created(i) inverts N(t) = M (e^{g t} - 1) / (e^{g T} - 1).
        self._growth = math.log(2) / 365.0
        span = (midnight(anchor) - WORLD_START).total_seconds() / DAY
        self._scale = (math.exp(self._growth * span) - 1.0) / models_at
        self._lab_cumulative = _cumulative([lab.weight for lab in LABS])
        self._uploaders = max(20, models_at // 6)
        # Bounded by default, so that a 2.5M world is not held; None holds every model listed
        # (about 1 KiB each), for a process that renders the same models day after day.
        self.static = lru_cache(maxsize=models_cached)(self._static)

    # -- hashing ---------------------------------------------------------------------------
    def _u(self, i: int, salt: int) -> float:
        """A uniform number in [0, 1) fixed by (seed, model, salt)."""
        return _mix((self.seed * 0x100000001B3) ^ _mix(i * 1_000_003 + salt)) / 18446744073709551616.0

    # -- population ------------------------------------------------------------------------
    def created_at(self, i: int) -> datetime:
        days = math.log1p(i * self._scale) / self._growth
        return WORLD_START + timedelta(seconds=round(days * DAY))

    def count_created_before(self, instant: datetime) -> int:
        """How many models (indices 0..n-1) were created strictly before `instant`."""
        days = (instant - WORLD_START).total_seconds() / DAY
        n = max(0, math.ceil(math.expm1(days * self._growth) / self._scale))
        while n > 0 and self.created_at(n - 1) >= instant:
            n -= 1
        while self.created_at(n) < instant:
            n += 1
        return n

    def visible(self, i: int, day: date) -> bool:
        """Whether model `i` is listed publicly in the census of `day` (as of 00:00 UTC)."""
        m = self.static(i)
        if m.created >= midnight(day):
            return False
        if m.deleted_day is not None and day >= m.deleted_day:
            return False
        private = self.private_spell(i, day)
        return not (private and private[0] <= day < private[1])

    def private_spell(self, i: int, day: date) -> tuple[date, date] | None:
        """For a model that goes private now and then: its private spell [start, end) in the
        30-day block holding `day`, if that block has one (half of them do)."""
        if not self.static(i).goes_private:
            return None
        block = (day - WORLD_START.date()).days // 30
        if self._u(i, 1000 + block) >= 0.5:
            return None
        start = WORLD_START.date() + timedelta(days=block * 30 + int(self._u(i, 2000 + block) * 20))
        return start, start + timedelta(days=1 + int(self._u(i, 3000 + block) * 9))

    def listing(self, day: date, oldest: int = 0, below: int | None = None):
        """Indices of the models public on `day`, newest first: the order of sort=createdAt;
        of those from `oldest` to just `below` if given."""
        i = self.count_created_before(midnight(day)) - 1
        if below is not None:
            i = min(i, below - 1)
        while i >= oldest:
            if self.visible(i, day):
                yield i
            i -= 1

    def _static(self, i: int) -> SimModel:
        u = lambda salt: self._u(i, salt)  # noqa: E731 - a local shorthand
        created = self.created_at(i)
        if u(1) < 0.03:
            kind = "root"
        elif u(1) < 0.31:
            kind = "derivative"
        else:
            kind = "standalone"
        lab = relation = None
        parents: tuple[int, ...] = ()
        languages = (_LANGS[int(u(20) * len(_LANGS))],) if u(21) < 0.5 else ()
        params_total = None
        if kind == "root" or i < 50:  # the oldest models are lab releases, so every child has a lab root
            kind = "root"
            lab = LABS[_pick(self._lab_cumulative, u(2))]
            size = lab.sizes[int(u(3) * len(lab.sizes))]
            version = 1 + max(0, created.year - 2022)
            name = f"{lab.family}{version}-{_size_label(size)}" + ("-Instruct" if u(4) < 0.5 else "")
            author = lab.namespace
            pipeline_tag, library_name, license_ = lab.pipeline_tag, lab.library_name, lab.license
            params_total = int(size * 1e9 * (0.97 + 0.06 * u(5)))
            peak = 3000.0 * lab.weight * math.exp(2.0 * u(6) - 1.0)
        elif kind == "derivative":
            relation = RELATIONS[_pick((0.45, 0.70, 0.90, 1.0), u(7))]
            parents = (self._pick_parent(i, 0),)
            if relation == "merge":
                second = self._pick_parent(i, 1)
                if second != parents[0]:
                    parents = (parents[0], second)
            parent = self.static(parents[0])
            if relation == "quantized" and u(8) < 0.7:
                author = INTERMEDIARIES[int(u(9) * len(INTERMEDIARIES))]
            else:
                author = self._uploader(i)
            suffix = {"finetune": "sft", "adapter": "lora", "quantized": "GGUF", "merge": "merge"}[relation]
            name = f"{parent.model_id.split('/')[1].split('-', 1)[0]}-{suffix}"
            pipeline_tag = parent.pipeline_tag
            library_name = {"adapter": "peft", "quantized": "gguf"}.get(relation, parent.library_name)
            license_ = parent.license if u(10) < 0.8 else "other"
            if relation != "quantized" and parent.params_total and u(11) < 0.5:
                params_total = parent.params_total
            peak = 20.0 * math.exp(4.0 * u(6) - 2.0) * (1 if u(12) < 0.7 else 0)
        else:
            author = self._uploader(i)
            pipeline_tag, library_name = _STANDALONE_TASKS[int(u(13) * len(_STANDALONE_TASKS))]
            name = "".join(_SYLLABLES[int(u(14 + k) * len(_SYLLABLES))] for k in range(3))
            license_ = ("apache-2.0", "mit", "cc-by-4.0", None)[int(u(17) * 4)]
            if u(11) < 0.3:
                params_total = int(1e6 * math.exp(8 * u(18)))
            peak = 4.0 * math.exp(3.0 * u(6) - 1.5) * (1 if u(12) < 0.55 else 0)
        # Only standalone models vanish, and they are never parents: every listed model's
        # lineage stays listed, so the truth is knowable from a census. (Missing parents
        # are tested on hand-made data.)
        deleted = None
        if kind == "standalone" and u(30) < 0.03:
            deleted = (created + timedelta(days=1 + int(u(31) * 400))).date()
        return SimModel(
            index=i,
            model_id=f"{author}/{name}-{_base36(i)}",
            author=author,
            hub_object_id=f"{_mix(i ^ (self.seed << 40)):016x}{_mix(i + 1) >> 32:08x}",
            created=created,
            kind=kind,
            relation=relation,
            parents=parents,
            lab=lab,
            pipeline_tag=pipeline_tag,
            library_name=library_name,
            license=license_,
            languages=languages,
            gated=("auto", "manual")[int(u(35) * 2)] if kind == "root" and u(34) < 0.15 else False,
            params_total=params_total,
            params_dtype=("BF16", "F16", "F32")[int(u(19) * 3)] if params_total else None,
            lists_base_models=u(36) >= 0.05,
            peak_daily=peak,
            decay_days=30.0 + 400.0 * u(37),
            floor_daily=peak * 0.05,
            like_factor=0.02 + 0.2 * u(38),
            deleted_day=deleted,
            goes_private=kind == "standalone" and 0.03 <= u(30) < 0.05,
            float_trending=u(39) < 0.02,
            extra_field=u(40) < 0.1,
            counter_reset_day=(created + timedelta(days=2 + int(u(45) * 400))).date()
            if peak > 0 and u(44) < 0.01 else None,
            ci_target=u(46) < 0.03,
        )

    def _pick_parent(self, i: int, draw: int) -> int:
        """An earlier model: mostly a recent lab base model, sometimes another derivative."""
        u = lambda salt: self._u(i, 100 + 10 * draw + salt)  # noqa: E731
        if u(0) < 0.25:  # any earlier derivative or root, recent ones likelier
            j = min(int(i * (1 - u(1) ** 2)), i - 1)
            while self.static(j).kind == "standalone":
                j -= 1
            return j
        best, best_peak = 0, -1.0
        for k in range(6):  # the most popular of a few recent roots
            j = int(i * (1 - u(2 + k) ** 3))
            j = self._root_at_or_before(min(j, i - 1))
            peak = self.static(j).peak_daily
            if peak > best_peak:
                best, best_peak = j, peak
        return best

    def _root_at_or_before(self, j: int) -> int:
        while j >= 50 and self._u(j, 1) >= 0.03:
            j -= 1
        return j

    def _uploader(self, i: int) -> str:
        k = int(self._u(i, 50) ** 2 * self._uploaders)  # a few uploaders are prolific
        h = _mix(k * 7919 + self.seed)
        name = "".join(_SYLLABLES[(h >> (4 * n)) & 15] for n in range(3))
        return f"{name.capitalize() if h & 1 << 20 else name}{k}"

    # -- counters --------------------------------------------------------------------------
    def _downloads_since_creation(self, m: SimModel, instant: datetime) -> float:
        age = (instant - m.created).total_seconds() / DAY
        if age <= 0:
            return 0.0
        return m.peak_daily * m.decay_days * -math.expm1(-age / m.decay_days) + m.floor_daily * age

    def counted_all_time(self, i: int, day: date) -> int:
        """Ground truth: downloads counted since the counter began, up to the census of `day`."""
        m = self.static(i)
        start = max(m.created, midnight(COUNTER_START))
        organic = int(self._downloads_since_creation(m, midnight(day))) - int(self._downloads_since_creation(m, start))
        if not m.ci_target or midnight(day) <= start:
            return organic
        first = (start.date() - WORLD_START.date()).days // 30
        last = (day - WORLD_START.date()).days // 30
        bursts = (self.ci_burst(i, block) for block in range(first, last + 1))
        return organic + sum(amount for burst_day, amount in filter(None, bursts) if start.date() < burst_day < day)

    def ci_burst(self, i: int, block: int) -> tuple[date, int] | None:
        """A CI target's burst in 30-day block `block`, if it has one (a third do): its day
        and its downloads, all made that day."""
        if self._u(i, 4000 + block) >= 0.33:
            return None
        day = WORLD_START.date() + timedelta(days=block * 30 + int(self._u(i, 5000 + block) * 30))
        return day, 2000 + int(self._u(i, 6000 + block) * 20000)

    def downloads_all_time(self, i: int, day: date) -> int:
        """The `downloadsAllTime` counter served in the census of `day`: the counted total,
        less what a counter reset took away (from its day on, a third of the total before it
        and that day's downloads, so the served counter goes down)."""
        served = self.counted_all_time(i, day)
        reset = self.static(i).counter_reset_day
        if reset is not None and day >= reset:
            before = self.counted_all_time(i, reset - timedelta(days=1))
            if before > 0:  # a counter at zero has nothing to lose
                served -= self.counted_all_time(i, reset) - before + max(1, before // 3)
        return served

    def downloads_30d(self, i: int, day: date) -> int:
        m = self.static(i)
        now = midnight(day)
        return int(self._downloads_since_creation(m, now)) - int(
            self._downloads_since_creation(m, now - timedelta(days=30))
        )

    def true_downloads(self, i: int, day: date) -> int:
        """Ground truth: the downloads made during calendar day `day` (UTC), counted by the
        Hub between the censuses of `day` and `day + 1`."""
        return self.counted_all_time(i, day + timedelta(days=1)) - self.counted_all_time(i, day)

    def likes(self, i: int, day: date) -> int:
        m = self.static(i)
        return int(math.sqrt(self._downloads_since_creation(m, midnight(day))) * m.like_factor)

    def trending_score(self, i: int, day: date) -> int | float:
        m = self.static(i)
        now = midnight(day)
        week = self._downloads_since_creation(m, now) - self._downloads_since_creation(m, now - timedelta(days=7))
        score = int(week / 50)
        return score + 0.5 if m.float_trending else score

    # -- lineage truth ---------------------------------------------------------------------
    def root_weights(self, i: int) -> dict[int, float]:
        """The root base models of model `i` (itself when it has no parents), each with the
        share of `i` it gets when every merge splits equally among its parents."""
        parents = self.static(i).parents
        if not parents:
            return {i: 1.0}
        weights: dict[int, float] = {}
        for parent in parents:
            for root, weight in self.root_weights(parent).items():
                weights[root] = weights.get(root, 0.0) + weight / len(parents)
        return weights

    def roots(self, i: int) -> tuple[int, ...]:
        return tuple(sorted(self.root_weights(i)))

    def origin_countries(self, i: int) -> tuple[str, ...]:
        """Countries of the labs behind the root models of `i` (empty for non-lab roots)."""
        return tuple(sorted({lab.country for r in self.roots(i) if (lab := self.static(r).lab)}))

    # -- the Hub's JSON --------------------------------------------------------------------
    def item(self, i: int, day: date, expand: tuple[str, ...] | None) -> dict:
        """Model `i` as the Hub lists it: `expand` properties plus `id` and `_id`, or the
        default fields when `expand` is None."""
        m = self.static(i)
        fields = expand if expand is not None else DEFAULT_FIELDS
        item: dict = {"_id": m.hub_object_id, "id": m.model_id}
        for name in fields:
            value = self._property(m, name, day)
            if value is not _ABSENT:
                item[name] = value
        if m.extra_field:
            item["simulatedNewField"] = {"note": "fields the client does not know yet"}
        return item

    def _property(self, m: SimModel, name: str, day: date):
        i = m.index
        if name == "author":
            return m.author
        if name == "createdAt":
            return CREATED_AT_PLACEHOLDER if m.created < PLACEHOLDER_CUTOFF else _iso(m.created)
        if name == "lastModified":
            latest = min(midnight(day) - timedelta(seconds=1), m.created + timedelta(days=self._u(i, 41) * 120))
            return _iso(max(latest, m.created))
        if name == "downloads":
            return self.downloads_30d(i, day)
        if name == "downloadsAllTime":
            return self.downloads_all_time(i, day)
        if name == "likes":
            return self.likes(i, day)
        if name == "trendingScore":
            return self.trending_score(i, day)
        if name == "tags":
            return self.tags(m)
        if name == "pipeline_tag":
            return m.pipeline_tag if m.pipeline_tag else _ABSENT
        if name == "library_name":
            return m.library_name if m.library_name else _ABSENT
        if name == "gated":
            return m.gated
        if name == "private":
            return False
        if name == "modelId":
            return m.model_id
        if name == "baseModels":
            if not m.parents or not m.lists_base_models:
                return _ABSENT
            models = [{"_id": self.static(p).hub_object_id, "id": self.static(p).model_id} for p in m.parents]
            return {"relation": m.relation, "models": models}
        if name == "safetensors":
            if not m.params_total:
                return _ABSENT
            return {"parameters": {m.params_dtype: m.params_total}, "total": m.params_total}
        if name == "childrenModelCount":
            # Shape only (the Hub documents an int and serves a dict); not part of the truth.
            return {"finetune": int(self._u(i, 42) * 30), "quantized": int(self._u(i, 43) * 10)} if m.kind == "root" else 0
        if name == "sha":
            return f"{_mix(i + 17):016x}{_mix(i + 18):016x}{_mix(i + 19):08x}"[:40]
        if name == "disabled":
            return False
        return _ABSENT  # a known expand property the simulation does not model

    def tags(self, m: SimModel) -> list[str]:
        tags = [m.library_name] if m.library_name else []
        if m.library_name == "gguf":
            tags.append("gguf")
        if m.pipeline_tag:
            tags.append(m.pipeline_tag)
        if m.params_total:
            tags.append("safetensors")
        tags.extend(m.languages)
        for p in m.parents:
            parent_id = self.static(p).model_id
            tags.append(f"base_model:{parent_id}")
            tags.append(f"base_model:{m.relation}:{parent_id}")
        if m.license:
            tags.append(f"license:{m.license}")
        tags.append("region:us")
        return tags


# The properties the Hub lists when no `expand` is given (HUB_API.md's recorded item).
DEFAULT_FIELDS = ("likes", "private", "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "modelId")
_ABSENT = object()


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _cumulative(weights) -> tuple[float, ...]:
    total, running, out = sum(weights), 0.0, []
    for w in weights:
        running += w
        out.append(running / total)
    return tuple(out)


def _pick(cumulative, u: float) -> int:
    for k, edge in enumerate(cumulative):
        if u < edge:
            return k
    return len(cumulative) - 1


def _size_label(billions: float) -> str:
    return f"{billions:g}B" if billions >= 1 else f"{round(billions * 1000)}M"


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out
