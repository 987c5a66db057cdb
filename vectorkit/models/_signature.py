"""What a SavedModel takes: its first input's TensorSpec, and the modality that implies."""

from __future__ import annotations

from vectorkit._tf import tensorflow


def input_spec(obj):
    """Return the TensorSpec of the first input of the model's call or serving signature."""
    sigs = getattr(obj, "signatures", {}) or {}
    if "serving_default" in sigs:
        args = sigs["serving_default"].structured_input_signature
        specs = list(args[1].values()) + list(args[0])
        if specs:
            return specs[0]
    call = getattr(obj, "__call__", None)  # noqa: B004 (need the tf.function itself)
    concrete = getattr(call, "concrete_functions", None) if call is not None else None
    if concrete:
        args = concrete[0].structured_input_signature
        flat = list(args[0]) + list(args[1].values())
        if flat:
            return flat[0]
    return None


def guess_modality(obj) -> str:
    """'text' for string inputs, 'image' for 4-D float inputs, 'audio' for 1-D/2-D floats."""
    tf = tensorflow()

    spec = input_spec(obj)
    if spec is None:
        raise ValueError("the SavedModel has no call function or serving signature to inspect")
    if spec.dtype == tf.string:
        return "text"
    if spec.dtype.is_floating and spec.shape.rank == 4:
        return "image"
    if spec.dtype.is_floating and spec.shape.rank in (1, 2):
        return "audio"
    raise ValueError(f"cannot tell the modality of a SavedModel whose input is {spec}")
