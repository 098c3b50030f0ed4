"""MultiHeadAttention and GroupQueryAttention: parity with torch.nn.MultiheadAttention (Keras's kernels copied
into torch's layout) and with torch's grouped scaled_dot_product_attention; Keras's weight shapes, masks,
returned scores and their gradients, the call forms, and the errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import layerwise
from layerwise.layers import GroupQueryAttention, MultiHeadAttention
from layerwise.testing import check_gradients

TIGHT = {"rtol": 1e-10, "atol": 1e-12}


def _torch_mha(layer, embed, heads, kdim, vdim, use_bias):
    """torch.nn.MultiheadAttention holding ``layer``'s weights: Keras's (d, H, key_dim) kernel is torch's
    (H * key_dim, d) weight transposed, the output kernel (H, value_dim, d) torch's out_proj weight transposed."""
    mha = torch.nn.MultiheadAttention(embed, heads, bias=use_bias, kdim=kdim, vdim=vdim, batch_first=True,
                                      dtype=torch.float64)
    kernels = [layer.projections[name][0].value for name in ("query", "key", "value", "output")]
    q, k, v = (torch.tensor(w.reshape(w.shape[0], -1).T.copy()) for w in kernels[:3])
    with torch.no_grad():
        if mha._qkv_same_embed_dim:
            mha.in_proj_weight.copy_(torch.cat([q, k, v]))
        else:
            mha.q_proj_weight.copy_(q)
            mha.k_proj_weight.copy_(k)
            mha.v_proj_weight.copy_(v)
        mha.out_proj.weight.copy_(torch.tensor(kernels[3].reshape(-1, embed).T.copy()))
        if use_bias:
            biases = [layer.projections[name][1].value.reshape(-1) for name in ("query", "key", "value")]
            mha.in_proj_bias.copy_(torch.tensor(np.concatenate(biases)))
            mha.out_proj.bias.copy_(torch.tensor(layer.projections["output"][1].value))
    return mha


def _torch_kernel_grads(mha, embed):
    if mha._qkv_same_embed_dim:
        return list(mha.in_proj_weight.grad.split(embed)), mha.out_proj.weight.grad
    return [mha.q_proj_weight.grad, mha.k_proj_weight.grad, mha.v_proj_weight.grad], mha.out_proj.weight.grad


@pytest.mark.parametrize("kdim, vdim", [(6, 6), (4, 5)], ids=["same_dims", "own_dims"])
@pytest.mark.parametrize("with_key", [False, True], ids=["value_as_key", "key"])
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("masking", [None, "attention_mask", "causal"])
def test_matches_torch_multihead_attention(kdim, vdim, with_key, use_bias, masking, float64, rng):
    embed, heads = 6, 2
    if not with_key:
        kdim = vdim
    query, value = rng.normal(size=(3, 4, embed)), rng.normal(size=(3, 5, vdim))
    key = rng.normal(size=(3, 5, kdim)) if with_key else value
    layer = MultiHeadAttention(heads, embed // heads, use_bias=use_bias, bias_initializer="random_normal")
    mask = rng.uniform(size=(3, 4, 5)) > 0.3
    mask[:, :, 0] = True  # no query step without a key to attend
    arguments = {"attention_mask": mask} if masking == "attention_mask" else {"use_causal_mask": masking == "causal"}
    y, scores = layer(query, value, key if with_key else None, return_attention_scores=True, **arguments)
    dy = rng.normal(size=y.shape)
    d_query, d_value, *d_key = layer.backward([dy, None])

    mha = _torch_mha(layer, embed, heads, kdim, vdim, use_bias)
    tq, tv = torch.tensor(query, requires_grad=True), torch.tensor(value, requires_grad=True)
    tk = torch.tensor(key, requires_grad=True) if with_key else tv
    allowed = {None: None, "attention_mask": torch.tensor(mask),
               "causal": torch.ones(4, 5, dtype=torch.bool).tril().expand(3, 4, 5)}[masking]
    blocked = None if allowed is None else ~allowed.repeat_interleave(heads, dim=0)  # torch: True = blocked
    expected, expected_scores = mha(tq, tk, tv, attn_mask=blocked, average_attn_weights=False)
    expected.backward(torch.tensor(dy))

    np.testing.assert_allclose(y, expected.detach().numpy(), **TIGHT)
    np.testing.assert_allclose(scores, expected_scores.detach().numpy(), **TIGHT)
    np.testing.assert_allclose(d_query, tq.grad.numpy(), **TIGHT)
    np.testing.assert_allclose(d_value, tv.grad.numpy(), **TIGHT)
    if with_key:
        np.testing.assert_allclose(d_key[0], tk.grad.numpy(), **TIGHT)
    kernel_grads, output_grad = _torch_kernel_grads(mha, embed)
    for name, expected_grad in zip(("query", "key", "value"), kernel_grads):
        grad = layer.projections[name][0].grad
        np.testing.assert_allclose(grad.reshape(grad.shape[0], -1).T, expected_grad.numpy(), **TIGHT)
    np.testing.assert_allclose(layer.projections["output"][0].grad.reshape(-1, embed).T, output_grad.numpy(), **TIGHT)
    if use_bias:
        biases = np.concatenate([layer.projections[n][1].grad.reshape(-1) for n in ("query", "key", "value")])
        np.testing.assert_allclose(biases, mha.in_proj_bias.grad.numpy(), **TIGHT)
        np.testing.assert_allclose(layer.projections["output"][1].grad, mha.out_proj.bias.grad.numpy(), **TIGHT)


@pytest.mark.parametrize("query_heads, groups", [(4, 2), (3, 1), (2, 2)], ids=["grouped", "multi_query", "mha"])
@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_group_query_attention_matches_torch_grouped_sdpa(query_heads, groups, causal, float64, rng):
    head_dim = 3
    query, value, key = rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 6, 4))
    layer = GroupQueryAttention(head_dim, query_heads, groups, bias_initializer="random_normal")
    y = layer(query, value, key, use_causal_mask=causal)
    dy = rng.normal(size=y.shape)
    grads = layer.backward(dy)

    inputs = [torch.tensor(a, requires_grad=True) for a in (query, value, key)]
    weights = {name: [torch.tensor(p.value, requires_grad=True) for p in layer.projections[name]]
               for name in ("query", "key", "value", "output")}

    def heads(x, name):
        kernel, bias = weights[name]
        return (torch.einsum("btd,dnh->btnh", x, kernel) + bias).transpose(1, 2)
    tq, tv, tk = heads(inputs[0], "query"), heads(inputs[1], "value"), heads(inputs[2], "key")
    mask = torch.ones(4, 6, dtype=torch.bool).tril() if causal else None
    attended = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=mask, enable_gqa=True).transpose(1, 2)
    expected = torch.einsum("btnh,nho->bto", attended, weights["output"][0]) + weights["output"][1]
    expected.backward(torch.tensor(dy))

    np.testing.assert_allclose(y, expected.detach().numpy(), **TIGHT)
    for grad, tensor in zip(grads, inputs, strict=True):
        np.testing.assert_allclose(grad, tensor.grad.numpy(), **TIGHT)
    for name, tensors in weights.items():
        for parameter, tensor in zip(layer.projections[name], tensors, strict=True):
            np.testing.assert_allclose(parameter.grad, tensor.grad.numpy(), **TIGHT)


def test_weights_are_laid_out_as_keras():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=5)
    layer(np.ones((1, 2, 6)), np.ones((1, 3, 7)), np.ones((1, 3, 8)))
    assert [p.shape for p in layer.weights] == [(6, 2, 3), (2, 3), (8, 2, 3), (2, 3), (7, 2, 4), (2, 4),
                                                (2, 4, 5), (5,)]
    assert [p.name.split("/")[-1] for p in layer.weights[::2]] == ["query_kernel", "key_kernel", "value_kernel",
                                                                   "output_kernel"]
    gqa = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, use_bias=False)
    gqa(np.ones((1, 2, 6)), np.ones((1, 3, 7)))
    assert [p.shape for p in gqa.weights] == [(6, 4, 2), (7, 2, 2), (7, 2, 2), (4, 2, 6)]


class _WithScores(MultiHeadAttention):
    """MultiHeadAttention returning its scores, with fixed masks (for check_gradients)."""

    def forward(self, inputs, training=False):
        return super().forward(inputs, training, return_attention_scores=True, use_causal_mask=True,
                               query_mask=np.array([[True, True, False], [True, True, True]]),
                               value_mask=np.array([[True, True, True, False], [True, False, True, True]]))


def test_gradients_of_the_returned_scores_through_masks_and_dropout(float64, rng):
    layer = _WithScores(2, 3, dropout=0.3, seed=5, bias_initializer="random_normal")
    report = check_gradients(layer, [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5))])
    assert report.passed, f"\n{report}"


def test_masks_combine_as_keras(rng):
    layer = MultiHeadAttention(2, 3)
    query, value = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 4))
    value_mask = np.array([[True, True, False, False], [True, True, True, True]])
    attention_mask = np.ones((2, 3, 4), dtype=bool)
    attention_mask[:, :, 1] = False
    _, scores = layer(query, value, value_mask=value_mask, attention_mask=attention_mask, use_causal_mask=True,
                      return_attention_scores=True)
    allowed = value_mask[:, None, :] & attention_mask & np.tril(np.ones((3, 4), dtype=bool))
    assert np.all(scores[~np.broadcast_to(allowed[:, None], scores.shape)] == 0)
    assert np.all(scores[np.broadcast_to(allowed[:, None], scores.shape)] > 0)
    _, broadcast = layer(query, value, attention_mask=attention_mask[:1], return_attention_scores=True)
    _, full = layer(query, value, attention_mask=np.repeat(attention_mask[:1], 2, 0), return_attention_scores=True)
    np.testing.assert_array_equal(broadcast, full)


def test_two_step_axes_attend_over_all_of_them(float64, rng):
    # Keras's default attention_axes for (N, T1, T2, d): one softmax over all T1 * T2 key steps.
    layer = MultiHeadAttention(2, 3, attention_axes=[1, 2])
    query, value = rng.normal(size=(2, 2, 3, 4)), rng.normal(size=(2, 3, 2, 4))
    y, scores = layer(query, value, return_attention_scores=True)
    assert y.shape == (2, 2, 3, 4) and scores.shape == (2, 2, 2, 3, 3, 2)
    np.testing.assert_allclose(scores.sum(axis=(-2, -1)), 1)
    flat = MultiHeadAttention(2, 3)
    flat(query.reshape(2, 6, 4), value.reshape(2, 6, 4))
    flat.set_weights(layer.get_weights())
    np.testing.assert_allclose(flat(query.reshape(2, 6, 4), value.reshape(2, 6, 4)).reshape(y.shape), y, rtol=1e-12)


def test_list_call_is_the_keyword_call_and_float32_stays(rng):
    layer = MultiHeadAttention(2, 3)
    query, value = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 5, 4)).astype("float32")
    y = layer(query, value)
    np.testing.assert_array_equal(layer([query, value]), y)
    assert y.dtype == np.float32
    assert all(d.dtype == np.float32 for d in layer.backward(np.ones_like(y)))
    assert layer.stochastic is False and MultiHeadAttention(2, 3, dropout=0.1).stochastic


def test_symbolic_call_and_summary():
    query, value = layerwise.Input(shape=(3, 4)), layerwise.Input(shape=(5, 6))
    output = MultiHeadAttention(2, 3, output_shape=7)(query, value)
    assert output.shape == (None, 3, 7)
    output = GroupQueryAttention(2, 4, 2)(query, value)
    assert output.shape == (None, 3, 4)


@pytest.mark.parametrize("call, message", [
    (lambda layer: layer(np.ones((2, 3, 4))), "is called with query and value"),
    (lambda layer: layer(np.ones((2, 4)), np.ones((2, 4))), r"shapes \(batch, steps, features\)"),
    (lambda layer: layer(np.ones((2, 3, 4)), np.ones((2, 5, 4)), np.ones((2, 6, 4))), "value and key need the same"),
    (lambda layer: layer(np.ones((2, 3, 4)), np.ones((2, 5, 4)), attention_mask=np.ones((2, 3, 4))),
     r"attention_mask of shape \(2, 3, 4\) does not broadcast to \(2, 3, 5\)"),
    (lambda layer: layer(np.ones((2, 3, 4)), np.ones((2, 5, 4)), value_mask=np.ones((2, 3))),
     "value_mask of shape"),
])
def test_call_errors_name_the_layer(call, message):
    layer = MultiHeadAttention(2, 3, name="mha")
    with pytest.raises(ValueError, match=message) as error:
        call(layer)
    assert "'mha'" in str(error.value)


def test_only_the_default_attention_axes():
    layer = MultiHeadAttention(2, 3, attention_axes=2, name="mha")
    with pytest.raises(ValueError, match=r"'mha'.*all the axes between the batch and the features, \[1, 2\]"):
        layer(np.ones((2, 3, 4, 5)), np.ones((2, 3, 4, 5)))
    MultiHeadAttention(2, 3, attention_axes=(1,))(np.ones((2, 3, 4)), np.ones((2, 3, 4)))


@pytest.mark.parametrize("make, message", [
    (lambda: MultiHeadAttention(0, 3), "MultiHeadAttention: num_heads must be a positive integer, received 0"),
    (lambda: MultiHeadAttention(2, 3.0), "key_dim must be a positive integer"),
    (lambda: MultiHeadAttention(2, 3, dropout=2), r"dropout must lie in \[0, 1\)"),
    (lambda: MultiHeadAttention(2, 3, output_shape=(None, 2)), "output_shape must be known sizes"),
    (lambda: MultiHeadAttention(2, 3, attention_axes="x"), "attention_axes must be None or positive axes"),
    (lambda: GroupQueryAttention(2, 3, 2), "num_query_heads must be a multiple of num_key_value_heads"),
    (lambda: GroupQueryAttention(0, 2, 2), "GroupQueryAttention: head_dim must be a positive integer"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()
