# PyTorch 1.13 reference for FashionMnistTrainingTest: 784-128-64-10 ReLU MLP, Adam lr 1e-3, batch 64, 5 epochs,
# pixels/255 normalised with mean 0.5 std 0.5; prints test accuracy after each epoch for a few seeds.
# Output (torch 1.13, CPU, one thread), test accuracy after each of the 5 epochs:
#   seed 1 [0.8485, 0.8513, 0.8664, 0.8653, 0.8613]
#   seed 2 [0.8464, 0.8541, 0.8473, 0.8628, 0.8721]
#   seed 3 [0.8437, 0.8456, 0.8607, 0.8673, 0.8723]
#   seed 4 [0.8343, 0.8552, 0.8664, 0.858, 0.8756]
# Usage: python3 fashion_mnist_reference.py 1 2 3 4
import gzip, sys, numpy as np, torch
torch.set_num_threads(1)
D = '/usr/share/datasets/fashion-mnist/'
def imgs(f):
    with gzip.open(D + f) as g: return np.frombuffer(g.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32)
def labs(f):
    with gzip.open(D + f) as g: return np.frombuffer(g.read(), np.uint8, offset=8).astype(np.int64)
xtr = torch.from_numpy((imgs('train-images-idx3-ubyte.gz') / 255 - 0.5) / 0.5); ytr = torch.from_numpy(labs('train-labels-idx1-ubyte.gz'))
xte = torch.from_numpy((imgs('t10k-images-idx3-ubyte.gz') / 255 - 0.5) / 0.5); yte = torch.from_numpy(labs('t10k-labels-idx1-ubyte.gz'))
for seed in map(int, sys.argv[1:]):
    torch.manual_seed(seed)
    m = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(m.parameters(), 1e-3); lossf = torch.nn.CrossEntropyLoss()
    accs = []
    for ep in range(5):
        perm = torch.randperm(60000)
        for i in range(0, 60000, 64):
            idx = perm[i:i + 64]
            opt.zero_grad(); lossf(m(xtr[idx]), ytr[idx]).backward(); opt.step()
        with torch.no_grad(): accs.append((m(xte).argmax(1) == yte).float().mean().item())
    print('TORCH seed', seed, [round(a, 4) for a in accs], flush=True)
