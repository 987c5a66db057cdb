"""The last stages of the bundled image model as a Keras model you can fine-tune.

Fine-tuning the last ``train_stages`` stages of a pre-trained network changes only what
happens after the cut: the frozen stages before it compute the same activations for an
image in every epoch. So :meth:`ImageTail.prepare` runs the frozen part once (with the
bundled EfficientNet-Lite0) and :attr:`ImageTail.model` is only the rest: the trainable
stages, the 1x1 head convolution to 1280 channels, the average pool (the embedding) and a
new classification layer. With ``train_stages=0`` nothing of the network trains: the input
is the 1280-d embedding and the model is the new layer alone (a frozen embedding with a
trained head).

The tail starts with the pre-trained weights, so before any training its embedding equals
``model.embed``. Its batch norms stay frozen (they normalise with the ImageNet statistics
and their scale and offset do not train), as Keras' transfer-learning guide recommends for
small data sets: with batches of a few images, batch statistics are noise. No augmentation
is possible either (the prepared activations are fixed); this is the price of the speed.

Limits: :meth:`ImageTail.prepare` holds the activations at the cut in memory: 4 bytes x
7 x 7 x 192 = 38 KB per image for one trained stage, 88 KB for two, 1.2 MB for all seven;
it runs the frozen part in batches of ``batch_size`` images (about 20 MB of activations per
image in flight).
"""

from __future__ import annotations

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit._validation import check_k

__all__ = ["ImageTail", "image_tail"]

N_STAGES = 7


def _stage_of_blocks() -> list[int]:
    """The stage number (1-7) of each of EfficientNet-Lite0's 16 MBConv blocks."""
    from vectorkit.models._efficientnet import STAGES

    return [s + 1 for s, stage in enumerate(STAGES) for _ in range(stage[3])]


class ImageTail:
    """EfficientNet-Lite0 cut after stage ``7 - train_stages``: a frozen part and a Keras tail.

    Use :func:`image_tail` to make one. Attributes: ``model`` (Keras: prepared activations
    -> class probabilities), ``embedder`` (Keras: prepared activations -> the 1280-d
    embedding, sharing the tail's weights), ``cut`` (the name of the step whose output
    :meth:`prepare` returns, as in ``feature_maps``), ``train_stages`` and ``n_classes``.
    """

    def __init__(self, image_model, n_classes: int, train_stages: int, seed: int):
        tf = tensorflow()
        keras = tf.keras
        from vectorkit.models._efficientnet import BN_EPS, block_plan, weights_path
        from vectorkit.models._efficientnet_trainable import _kernel
        from vectorkit.models._torch_legacy import load_state_dict

        self.image_model, self.n_classes, self.train_stages = image_model, n_classes, train_stages
        first = N_STAGES - train_stages + 1  # the first trained stage
        self.cut = "pool" if train_stages == 0 else (
            "stem" if first == 1 else f"stage {first - 1}")
        plan, stage_of = block_plan(), _stage_of_blocks()
        blocks = [i for i, s in enumerate(stage_of) if s >= first] if train_stages else []
        self._step = None
        if train_stages == 0:
            inputs = keras.Input((image_model.dim,), name="embedding_in")
            embedding = inputs
        else:
            w = load_state_dict(weights_path())
            cin = plan[blocks[0]][3]
            side = image_model.image_size // self._downsampling(first - 1)
            inputs = keras.Input((side, side, cin), name=self.cut.replace(" ", "_"))
            x = inputs

            def bn(prefix, name):
                layer = keras.layers.BatchNormalization(epsilon=BN_EPS, momentum=0.99, name=name)
                layer.build((None, None, None, w[f"{prefix}.weight"].shape[0]))
                layer.set_weights([w[f"{prefix}.{k}"].astype(np.float32) for k in
                                   ("weight", "bias", "running_mean", "running_var")])
                layer.trainable = False  # inference mode: ImageNet statistics, frozen scale
                return layer

            def conv(prefix, filters, name, kernel=1, stride=1, depthwise=False):
                if depthwise:
                    layer = keras.layers.DepthwiseConv2D(kernel, stride, "same",
                                                         use_bias=False, name=name)
                else:
                    layer = keras.layers.Conv2D(filters, kernel, stride, "same",
                                                use_bias=False, name=name)
                layer.build((None, None, None, w[f"{prefix}.weight"].shape[
                    0 if depthwise else 1]))
                layer.set_weights([_kernel(w[f"{prefix}.weight"], depthwise)])
                return layer

            relu6 = lambda name: keras.layers.ReLU(6.0, name=name)  # noqa: E731
            for i in blocks:
                expand, kernel, stride, c_in, c_out = plan[i]
                p, inp = f"_blocks.{i}.", x
                if expand != 1:
                    x = conv(p + "_expand_conv", c_in * expand, f"block{i}_expand")(x)
                    x = relu6(f"block{i}_expand_relu")(bn(p + "_bn0", f"block{i}_expand_bn")(x))
                x = conv(p + "_depthwise_conv", None, f"block{i}_depthwise", kernel, stride,
                         depthwise=True)(x)
                x = relu6(f"block{i}_depthwise_relu")(
                    bn(p + "_bn1", f"block{i}_depthwise_bn")(x))
                x = bn(p + "_bn2", f"block{i}_project_bn")(
                    conv(p + "_project_conv", c_out, f"block{i}_project")(x))
                if stride == 1 and c_in == c_out:
                    x = keras.layers.Add(name=f"block{i}_add")([x, inp])
            x = conv("_conv_head", 1280, "head")(x)
            x = relu6("head_relu")(bn("_bn1", "head_bn")(x))
            embedding = keras.layers.GlobalAveragePooling2D(name="embedding")(x)
        outputs = keras.layers.Dense(
            n_classes, activation="softmax", name="classes",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed))(embedding)
        self.model = keras.Model(inputs, outputs, name=f"lite0_tail_{train_stages}")
        self.embedder = keras.Model(inputs, embedding, name=f"lite0_tail_{train_stages}_embed")

    @staticmethod
    def _downsampling(stage: int) -> int:
        """How much smaller than the input the output of ``stage`` is (0: the stem): 2 ... 32."""
        from vectorkit.models._efficientnet import STAGES

        return 2 * int(np.prod([s[2] for s in STAGES[:stage]]))

    def prepare(self, images, batch_size: int = 32) -> np.ndarray:
        """The frozen part's output for ``images`` (anything ``embed`` takes): the model's input.

        ``(n, H, W, C)`` float32 activations at :attr:`cut` (``(n, 1280)`` embeddings when
        ``train_stages=0``), computed by the bundled model in batches of ``batch_size``.

        Example:
            >>> import vectorkit as vk, skimage
            >>> tail = vk.train.image_tail(2, train_stages=1)
            >>> tail.cut, tail.prepare([skimage.data.coffee()]).shape
            ('stage 6', (1, 7, 7, 192))
        """
        batch_size = check_k(batch_size, "batch_size")
        if self.train_stages == 0:
            return np.asarray(self.image_model.embed(images), dtype=np.float32).reshape(
                -1, self.image_model.dim)
        tf = tensorflow()
        if self._step is None:
            network, cut, size = self.image_model.network, self.cut, self.image_model.image_size

            @tf.function(input_signature=[tf.TensorSpec([None, size, size, 3], tf.float32)])
            def step(x):
                for name, out in network.steps(x):
                    if name == cut:
                        return out
                raise AssertionError(f"the network has no step {cut!r}")

            self._step = step
        x = self.image_model.preprocess(images)
        x = x[None] if x.ndim == 3 else x
        parts = [self._step(tf.constant(x[i:i + batch_size])).numpy()
                 for i in range(0, len(x), batch_size)]
        shape = (0, *self.model.input_shape[1:])
        return np.concatenate(parts) if parts else np.zeros(shape, np.float32)

    def __repr__(self):
        n = sum(int(np.prod(v.shape)) for v in self.model.trainable_weights)
        return (f"ImageTail(train_stages={self.train_stages}, cut={self.cut!r}, "
                f"n_classes={self.n_classes}, trainable weights={n:,})")


def image_tail(n_classes: int, train_stages: int = 1, model="image", seed: int = 0) -> ImageTail:
    """EfficientNet-Lite0's last ``train_stages`` stages + a new head, ready to fine-tune in Keras.

    Args:
        n_classes: classes of the new task (the softmax layer on top of the 1280-d embedding).
        train_stages: how many of the 7 MBConv stages to fine-tune, from the end (0: none,
            the frozen embedding + a trained head; 1: stage 7 and the head convolution; 2: also
            stage 6; at most 7). Batch norms stay frozen (see the module docstring).
        model: ``"image"`` / ``"efficientnet-lite0"`` or that model, loaded.
        seed: seed of the new head's initial weights.

    Returns:
        An :class:`ImageTail`: ``tail.prepare(images)`` gives the input of ``tail.model``
        (a Keras model, not compiled) and ``tail.embedder`` the embedding of the tail.

    Example:
        >>> import vectorkit as vk, skimage, numpy as np
        >>> tail = vk.train.image_tail(3, train_stages=1)
        >>> x = tail.prepare([skimage.data.coffee(), skimage.data.chelsea()])
        >>> e = tail.embedder.predict(x, verbose=0)   # before training: the model's embedding
        >>> bool(np.allclose(e, vk.load_model("image").embed([skimage.data.coffee(),
        ...                                                    skimage.data.chelsea()]), atol=1e-4))
        True
    """
    n_classes = check_k(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"`n_classes` must be at least 2, got {n_classes}")
    if isinstance(train_stages, bool) or not isinstance(train_stages, (int, np.integer)):
        raise TypeError(f"`train_stages` must be an int from 0 to {N_STAGES}, got "
                        f"{type(train_stages).__name__}")
    if not 0 <= train_stages <= N_STAGES:
        raise ValueError(f"`train_stages` must be from 0 to {N_STAGES}, got {train_stages}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"`seed` must be an int, got {type(seed).__name__}")
    if isinstance(model, str):
        from vectorkit.models import load_model

        model = load_model(model)
    if getattr(model, "name", None) != "efficientnet-lite0" or getattr(
            model, "network", None) is None:
        raise TypeError("`model` must be the bundled image model ('image' or "
                        "'efficientnet-lite0'), got "
                        f"{getattr(model, 'name', type(model).__name__)!r}")
    return ImageTail(model, n_classes, int(train_stages), int(seed))
