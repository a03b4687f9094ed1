"""Alternative answers for lesson 11_pytorch: every CORRECT one passes its test cell, every WRONG one fails it."""

CORRECT = {
    "pick_device": [
        "def pick_device():\n    return 'cuda' if torch.cuda.is_available() else ('mps' if torch.backends.mps.is_available() else 'cpu')\n",
        "def pick_device():\n    for name, ok in (('cuda', torch.cuda.is_available), ('mps', torch.backends.mps.is_available)):\n"
        "        if ok():\n            return name\n    return 'cpu'\n",
        "def pick_device():\n    if torch.cuda.is_available():\n        return torch.device('cuda')\n"
        "    elif getattr(torch.backends, 'mps', None) is not None and torch.backends.mps.is_available():\n"
        "        return torch.device('mps')\n    return torch.device('cpu')\n",
    ],
    "torch_mlp": [
        "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
        "        mods += [nn.Linear(a, b), nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
        "def torch_mlp(layer_sizes):\n    model = nn.Sequential()\n    n = len(layer_sizes) - 1\n    for i in range(n):\n"
        "        model.append(nn.Linear(layer_sizes[i], layer_sizes[i + 1]))\n        if i != n - 1:\n"
        "            model.append(nn.ReLU())\n    return model\n",
        "from collections import OrderedDict\n"
        "def torch_mlp(layer_sizes):\n    items = []\n    for i in range(len(layer_sizes) - 1):\n"
        "        items.append((f'fc{i}', torch.nn.Linear(layer_sizes[i], layer_sizes[i + 1])))\n"
        "        if i < len(layer_sizes) - 2:\n            items.append((f'act{i}', torch.nn.ReLU()))\n"
        "    return torch.nn.Sequential(OrderedDict(items))\n",
    ],
    "copy_from_nnlib": [
        "def copy_from_nnlib(torch_model, nnlib_model):\n    t_lin = [m for m in torch_model.modules() if isinstance(m, nn.Linear)]\n"
        "    n_lin = [m for m in nnlib_model if hasattr(m, 'weight')]\n    for t, n in zip(t_lin, n_lin):\n"
        "        t.weight.data = torch.tensor(n.weight.data, dtype=torch.float32)\n"
        "        t.bias.data = torch.tensor(n.bias.data, dtype=torch.float32)\n    return torch_model\n",
        "def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
        "        for t, n in zip(torch_model, nnlib_model):\n            if isinstance(t, nn.Linear):\n"
        "                t.weight[:] = torch.from_numpy(np.array(n.weight.data, dtype=np.float32))\n"
        "                t.bias[:] = torch.from_numpy(np.array(n.bias.data, dtype=np.float32))\n",
        "def copy_from_nnlib(torch_model, nnlib_model):\n    state = {}\n    k = 0\n    for i, m in enumerate(torch_model):\n"
        "        if isinstance(m, nn.Linear):\n            while not isinstance(nnlib_model[k], Linear):\n                k += 1\n"
        "            state[f'{i}.weight'] = torch.tensor(nnlib_model[k].weight.data)\n"
        "            state[f'{i}.bias'] = torch.tensor(nnlib_model[k].bias.data)\n            k += 1\n"
        "    torch_model.load_state_dict(state)\n    return torch_model\n",
    ],
    "torch_gradients": [
        "def torch_gradients(torch_model, X, labels):\n    for p in torch_model.parameters():\n        p.grad = None\n"
        "    out = torch_model(torch.tensor(np.asarray(X, dtype=np.float32)))\n"
        "    loss = torch.nn.CrossEntropyLoss()(out, torch.tensor(labels).long())\n    loss.backward()\n"
        "    result = []\n    for m in torch_model:\n        if isinstance(m, nn.Linear):\n"
        "            result.append((m.weight.grad.numpy(), m.bias.grad.numpy()))\n    return result\n",
        "def torch_gradients(torch_model, X, labels):\n    Xt = torch.as_tensor(X, dtype=torch.float32)\n"
        "    logits = torch_model(Xt)\n    logp = torch.log_softmax(logits, dim=1)\n"
        "    loss = -logp[torch.arange(len(labels)), torch.as_tensor(labels, dtype=torch.long)].mean()\n"
        "    params = [p for m in torch_model if isinstance(m, nn.Linear) for p in (m.weight, m.bias)]\n"
        "    grads = torch.autograd.grad(loss, params)\n"
        "    return [(grads[i].numpy(), grads[i + 1].numpy()) for i in range(0, len(grads), 2)]\n",
    ],
    "train_torch": [
        "def train_torch(model, X, y, epochs, device):\n    model = model.to(device)\n"
        "    ds = torch.utils.data.TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.long))\n"
        "    loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True)\n"
        "    opt = torch.optim.Adam(model.parameters(), lr=0.01)\n    loss_fn = nn.CrossEntropyLoss()\n    history = []\n"
        "    for _ in range(epochs):\n        losses = []\n        for xb, yb in loader:\n            xb, yb = xb.to(device), yb.to(device)\n"
        "            opt.zero_grad()\n            loss = loss_fn(model(xb), yb)\n            loss.backward()\n            opt.step()\n"
        "            losses.append(loss.item())\n        history.append(float(np.mean(losses)))\n    return history\n",
    ],
}

WRONG = {
    "pick_device": [
        ("def pick_device():\n    if torch.backends.mps.is_available():\n        return 'mps'\n"
         "    if torch.cuda.is_available():\n        return 'cuda'\n    return 'cpu'\n",
         "checks mps before cuda"),
        ("def pick_device():\n    return 'cuda' if torch.cuda.is_available() else 'cpu'\n", "forgets mps"),
        ("_DEVICE = 'cuda' if torch.cuda.is_available() else ('mps' if torch.backends.mps.is_available() else 'cpu')\n"
         "def pick_device():\n    return _DEVICE\n",
         "decides once at definition time instead of when called"),
    ],
    "torch_mlp": [
        ("def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
         "        mods += [nn.Linear(a, b), nn.ReLU()]\n    return nn.Sequential(*mods)\n",
         "ReLU after the last layer too"),
        ("def torch_mlp(layer_sizes):\n    return nn.Sequential(*[nn.Linear(a, b) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])])\n",
         "no ReLU at all"),
        ("def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
         "        mods += [nn.Linear(b, a), nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
         "in and out swapped"),
        ("def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
         "        mods += [nn.Linear(a, b), nn.Sigmoid()]\n    return nn.Sequential(*mods[:-1])\n",
         "sigmoid instead of ReLU"),
    ],
    "copy_from_nnlib": [
        ("def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
         "        for t, n in zip(torch_model, nnlib_model):\n            if isinstance(t, nn.Linear):\n"
         "                t.weight.copy_(torch.as_tensor(n.weight.data.T.copy()).reshape(t.weight.shape))\n"
         "                t.bias.copy_(torch.as_tensor(n.bias.data))\n    return torch_model\n",
         "transposes the weights (torch and nnlib share the (out, in) convention)"),
        ("def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
         "        for t, n in zip(torch_model, nnlib_model):\n            if isinstance(t, nn.Linear):\n"
         "                t.weight.copy_(torch.as_tensor(n.weight.data))\n    return torch_model\n",
         "forgets the biases"),
        ("def copy_from_nnlib(torch_model, nnlib_model):\n    for t, n in zip(torch_model, nnlib_model):\n"
         "        if isinstance(t, nn.Linear):\n            t.weight.data = torch.from_numpy(n.weight.data)\n"
         "            t.bias.data = torch.from_numpy(n.bias.data)\n    return torch_model\n",
         "torch.from_numpy shares memory: training one model changes the other"),
        ("def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
         "        torch_model[0].weight.copy_(torch.as_tensor(nnlib_model[0].weight.data))\n"
         "        torch_model[0].bias.copy_(torch.as_tensor(nnlib_model[0].bias.data))\n"
         "        torch_model[2].weight.copy_(torch.as_tensor(nnlib_model[2].weight.data))\n"
         "        torch_model[2].bias.copy_(torch.as_tensor(nnlib_model[2].bias.data))\n    return torch_model\n",
         "hard-codes two layers"),
    ],
    "torch_gradients": [
        ("def torch_gradients(torch_model, X, labels):\n    torch_model.zero_grad()\n"
         "    out = torch_model(torch.as_tensor(X, dtype=torch.float32))\n"
         "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long), reduction='sum')\n"
         "    loss.backward()\n    return [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
         "sum instead of mean of the cross-entropy"),
        ("def torch_gradients(torch_model, X, labels):\n    torch_model.zero_grad()\n"
         "    out = torch.softmax(torch_model(torch.as_tensor(X, dtype=torch.float32)), dim=1)\n"
         "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long))\n"
         "    loss.backward()\n    return [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
         "softmax before cross_entropy (which already applies log-softmax)"),
        ("def torch_gradients(torch_model, X, labels):\n    out = torch_model(torch.as_tensor(X, dtype=torch.float32))\n"
         "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long))\n"
         "    loss.backward()\n    return [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
         "no zero_grad: a second call accumulates"),
        ("def torch_gradients(torch_model, X, labels):\n    torch_model.zero_grad()\n"
         "    out = torch_model(torch.as_tensor(X, dtype=torch.float32))\n"
         "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long))\n"
         "    loss.backward()\n    return [(m.weight.grad.numpy().T.copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
         "returns dW transposed (in, out)"),
    ],
    "train_torch": [
        ("def train_torch(model, X, y, epochs, device):\n    model = copy.deepcopy(model).to(device)\n"
         "    Xt = torch.as_tensor(X, dtype=torch.float32, device=device)\n    yt = torch.as_tensor(y, dtype=torch.long, device=device)\n"
         "    opt = torch.optim.Adam(model.parameters(), lr=1e-2)\n    hist = []\n    for _ in range(epochs):\n"
         "        perm = torch.randperm(len(Xt))\n        tot = 0.0\n        for s in range(0, len(Xt), 32):\n"
         "            idx = perm[s:s + 32]\n            opt.zero_grad()\n"
         "            loss = nn.functional.cross_entropy(model(Xt[idx]), yt[idx])\n            loss.backward()\n            opt.step()\n"
         "            tot += loss.item() * len(idx)\n        hist.append(tot / len(Xt))\n    return hist\n",
         "trains a copy: the caller's model is never trained"),
        ("def train_torch(model, X, y, epochs, device):\n    model.to(device)\n"
         "    Xt = torch.as_tensor(X, dtype=torch.float32, device=device)\n    yt = torch.as_tensor(y, dtype=torch.long, device=device)\n"
         "    opt = torch.optim.Adam(model.parameters(), lr=1e-2)\n    hist = []\n    for _ in range(epochs):\n"
         "        for s in range(0, len(Xt), 32):\n            opt.zero_grad()\n"
         "            loss = nn.functional.cross_entropy(model(Xt[s:s + 32]), yt[s:s + 32])\n            loss.backward()\n"
         "            hist.append(loss.item())\n    return hist\n",
         "never calls optimizer.step() and records per-batch losses"),
    ],
}
