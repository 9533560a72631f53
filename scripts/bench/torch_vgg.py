"""PyTorch side of `npm run bench -- --torch`: VGG16's convs to block5_conv1 (random weights,
Keras layout: 3x3 'same', ReLU, 2x2 max pools), one forward and the gradient w.r.t. the input only
(the weights are constants, as in the app), on the same thread count as the browser worker, plus a
plain matmul for the CPU's reachable GFLOP/s. Prints one JSON object on stdout.

Usage: python3 torch_vgg.py THREADS ROUNDS SIZE [SIZE ...]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

BLOCKS = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 1)]  # block5 up to conv1 only


def make_weights(gen):
    layers, cin = [], 3
    for b, (cout, n) in enumerate(BLOCKS):
        for _ in range(n):
            w = torch.randn(cout, cin, 3, 3, generator=gen) * (2.0 / (9 * cin)) ** 0.5
            layers.append((w, torch.zeros(cout)))
            cin = cout
        if b < len(BLOCKS) - 1:
            layers.append(None)  # pool
    return layers


def forward_backward(layers, x):
    x = x.detach().requires_grad_(True)
    y = x
    for layer in layers:
        y = F.max_pool2d(y, 2) if layer is None else F.relu(F.conv2d(y, layer[0], layer[1], padding=1))
    y.sum().backward()
    return float(x.grad.sum())


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main():
    threads, rounds, sizes = int(sys.argv[1]), int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(42)
    layers = make_weights(gen)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "sizes": []}
    for size in sizes:
        x = torch.rand(1, 3, size, size, generator=gen) * 255
        forward_backward(layers, x)  # warm-up (oneDNN primitive creation)
        ms = []
        for _ in range(rounds):
            t = time.perf_counter()
            forward_backward(layers, x)
            ms.append((time.perf_counter() - t) * 1000)
        out["sizes"].append({"size": size, "ms": ms, "medianMs": median(ms)})
    n = 1024
    a, b = torch.rand(n, n, generator=gen), torch.rand(n, n, generator=gen)
    torch.mm(a, b)
    ms = []
    for _ in range(5):
        t = time.perf_counter()
        torch.mm(a, b)
        ms.append((time.perf_counter() - t) * 1000)
    out["matMul"] = {"n": n, "ms": ms, "gflops": 2 * n**3 / min(ms) / 1e6}  # fastest: the peak
    print(json.dumps(out))


if __name__ == "__main__":
    main()
