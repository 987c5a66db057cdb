"""EfficientNet-Lite0 with trainable variables and real batch norms (what ``export_model`` saves).

The bundled model folds each batch norm into its convolution, which is fastest for
inference but cannot be fine-tuned. This version keeps the batch norms as TF Hub's image
models do (as Keras' ``BatchNormalization`` does): ``training=False`` normalises with the
moving mean and variance, so its output equals the bundled model's; ``training=True``
normalises with the statistics of the batch and updates the moving averages (momentum
0.99). Convolution kernels and the batch norms' scale and offset are trainable; the moving
statistics and the ImageNet classifier are not.
"""

from __future__ import annotations

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit.models._efficientnet import BN_EPS, block_plan

MOMENTUM = 0.99
#: L2 weight decay on the convolution kernels (EfficientNet was trained with 1e-5).
WEIGHT_DECAY = 1e-5


def _kernel(w: np.ndarray, depthwise: bool) -> np.ndarray:
    """A torch (out, in/groups, kh, kw) kernel in TF layout."""
    if depthwise:
        return np.ascontiguousarray(w.transpose(2, 3, 0, 1), dtype=np.float32)  # (kh, kw, C, 1)
    return np.ascontiguousarray(w.transpose(2, 3, 1, 0), dtype=np.float32)  # (kh, kw, in, out)


def build_trainable_network(weights: dict):
    """A ``tf.Module`` whose ``forward(x, training)`` maps [0, 1] images to (features, logits)."""
    tf = tensorflow()

    class BatchNorm(tf.Module):
        def __init__(self, prefix: str):
            super().__init__(name=prefix.replace(".", "_").strip("_"))
            self.gamma = tf.Variable(weights[f"{prefix}.weight"].astype(np.float32),
                                     name="gamma")
            self.beta = tf.Variable(weights[f"{prefix}.bias"].astype(np.float32), name="beta")
            self.moving_mean = tf.Variable(weights[f"{prefix}.running_mean"].astype(np.float32),
                                           trainable=False, name="moving_mean")
            self.moving_variance = tf.Variable(
                weights[f"{prefix}.running_var"].astype(np.float32), trainable=False,
                name="moving_variance")

        def __call__(self, x, training: bool):
            if training:
                mean, variance = tf.nn.moments(x, axes=[0, 1, 2])
                self.moving_mean.assign(MOMENTUM * self.moving_mean + (1 - MOMENTUM) * mean)
                self.moving_variance.assign(MOMENTUM * self.moving_variance
                                            + (1 - MOMENTUM) * variance)
            else:
                mean, variance = self.moving_mean, self.moving_variance
            return tf.nn.batch_normalization(x, mean, variance, self.beta, self.gamma, BN_EPS)

    class TrainableEfficientNetLite0(tf.Module):
        def __init__(self):
            super().__init__(name="efficientnet_lite0")
            var = lambda a, n: tf.Variable(a, name=n)  # noqa: E731
            self.stem = var(_kernel(weights["_conv_stem.weight"], False), "stem_kernel")
            self.stem_bn = BatchNorm("_bn0")
            self.plan = block_plan()
            self.blocks = []
            for i, (expand, _, _, _, _) in enumerate(self.plan):
                p = f"_blocks.{i}."
                layers = []
                for conv, bn in (("_expand_conv", "_bn0"), ("_depthwise_conv", "_bn1"),
                                 ("_project_conv", "_bn2")):
                    if conv == "_expand_conv" and expand == 1:
                        continue
                    k = _kernel(weights[p + conv + ".weight"], conv == "_depthwise_conv")
                    layers.append((var(k, f"b{i}{conv}"), BatchNorm(p + bn)))
                self.blocks.append(layers)
            self.head = var(_kernel(weights["_conv_head.weight"], False), "head_kernel")
            self.head_bn = BatchNorm("_bn1")
            self.fc_kernel = tf.Variable(weights["_fc.weight"].T.astype(np.float32),
                                         trainable=False, name="fc_kernel")
            self.fc_bias = tf.Variable(weights["_fc.bias"].astype(np.float32),
                                       trainable=False, name="fc_bias")

        def kernels(self) -> list:
            """The convolution kernels (what weight decay applies to)."""
            return [self.stem, self.head] + [k for layers in self.blocks for k, _ in layers]

        def forward(self, x, training: bool = False):
            """Images (n, 224, 224, 3) in [0, 1] -> (features (n, 1280), logits (n, 1000))."""
            x = (x * 255.0 - 127.0) / 128.0
            x = tf.nn.relu6(self.stem_bn(tf.nn.conv2d(x, self.stem, 2, "SAME"), training))
            for (expand, _, stride, cin, cout), layers in zip(self.plan, self.blocks,
                                                               strict=True):
                inp = x
                if expand != 1:
                    k, bn = layers[0]
                    x = tf.nn.relu6(bn(tf.nn.conv2d(x, k, 1, "SAME"), training))
                k, bn = layers[-2]
                x = tf.nn.depthwise_conv2d(x, k, [1, stride, stride, 1], "SAME")
                x = tf.nn.relu6(bn(x, training))
                k, bn = layers[-1]
                x = bn(tf.nn.conv2d(x, k, 1, "SAME"), training)
                if stride == 1 and cin == cout:
                    x = x + inp
            x = tf.nn.relu6(self.head_bn(tf.nn.conv2d(x, self.head, 1, "SAME"), training))
            features = tf.reduce_mean(x, axis=[1, 2])
            return features, tf.nn.bias_add(tf.matmul(features, self.fc_kernel), self.fc_bias)

    return TrainableEfficientNetLite0()
