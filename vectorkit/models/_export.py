"""Write a vectorkit image model as a TF Hub-format SavedModel folder that can be fine-tuned.

The folder follows the TF Hub image convention and its Reusable SavedModel API: the object
is called as ``obj(images, training=False)`` on a float32 batch ``[None, 224, 224, 3]`` of
RGB values in [0, 1] and returns the 1280-d feature vectors; it has ``variables``,
``trainable_variables`` (convolution kernels, batch-norm scales and offsets) and
``regularization_losses`` (L2 weight decay); with ``training=True`` the batch norms use the
batch's statistics and update their moving averages, as in TF Hub's image models. Its
``serving_default`` signature returns ``{"feature_vector": ..., "logits": ...}``.
``hub.load(path)``, ``hub.KerasLayer(path, trainable=True)`` (tf_keras),
``tf.saved_model.load(path)`` and ``vk.load_model(path)`` read it back.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from vectorkit._tf import tensorflow

__all__ = ["export_model"]


def _build_module(model):
    tf = tensorflow()

    from vectorkit.models._efficientnet import weights_path
    from vectorkit.models._efficientnet_trainable import WEIGHT_DECAY, build_trainable_network
    from vectorkit.models._torch_legacy import load_state_dict

    size = model.image_size
    spec = tf.TensorSpec([None, size, size, 3], tf.float32, name="images")
    info = {"name": model.name, "version": model.version, "source": model.source,
            "dim": model.dim, "n_classes": len(model.labels), "input": "float32 RGB in [0, 1]",
            "image_size": size, "shorter_side": model.shorter_side,
            "description": f"{model.name} exported by vectorkit: input {size}x{size} RGB "
                           "in [0, 1], outputs feature_vector and ImageNet logits; "
                           "fine-tunable (Reusable SavedModel API, training argument)"}
    network = build_trainable_network(load_state_dict(weights_path()))
    kernels = network.kernels()

    @tf.function
    def call(images, training=False):
        return network.forward(images, training=training)[0]

    @tf.function(input_signature=[spec])
    def serve(images):
        features, logits = network.forward(images, training=False)
        return {"feature_vector": features, "logits": logits}

    @tf.function(input_signature=[])
    def weight_decay():
        return WEIGHT_DECAY * tf.add_n([tf.nn.l2_loss(k) for k in kernels])

    for training in (False, True):  # both modes are traced into the SavedModel
        call.get_concrete_function(spec, training=training)
    root = tf.train.Checkpoint()
    root.network = network
    root.__call__ = call
    root.serve = serve
    root.variables = list(network.variables)
    root.trainable_variables = list(network.trainable_variables)
    root.regularization_losses = [weight_decay]
    root.vectorkit_info = tf.Variable(json.dumps(info), trainable=False, name="vectorkit_info")
    return root


def export_model(name_or_model, path, overwrite: bool = False) -> Path:
    """Save an image model as a TF Hub-format SavedModel folder at ``path`` and return it.

    The folder is written next to ``path`` under a temporary name and renamed into place
    when complete, so an interrupted export never leaves a half-written model.

    Args:
        name_or_model: ``"efficientnet-lite0"`` / ``"image"`` or a loaded model of that kind.
        path: the folder to create.
        overwrite: replace an existing folder at ``path`` (default: refuse).

    Example:
        >>> import vectorkit as vk, tempfile, os
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     folder = vk.export_model("image", os.path.join(tmp, "lite0"))
        ...     vk.load_model(str(folder)).dim
        1280
    """
    from vectorkit.models._registry import load_model

    model = load_model(name_or_model) if isinstance(name_or_model, str) else name_or_model
    if getattr(model, "name", None) != "efficientnet-lite0" or getattr(model, "network", None) \
            is None:
        raise TypeError(
            "`name_or_model` must be a model vectorkit runs itself (e.g. 'efficientnet-lite0'), "
            f"got {getattr(model, 'name', type(model).__name__)!r}; a TF Hub or SavedModel "
            "model already is a SavedModel folder: copy that folder instead")
    target = Path(os.fspath(path)).expanduser().resolve()
    if target.exists() and not overwrite:
        raise FileExistsError(f"`path` {str(target)!r} already exists; pass overwrite=True "
                              "to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tf = tensorflow()

    module = _build_module(model)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old = None
    try:
        tf.saved_model.save(module, str(tmp), signatures={"serving_default": module.serve})
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
