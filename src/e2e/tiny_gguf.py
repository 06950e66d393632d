"""Writes a tiny llama-architecture GGUF with random weights: enough for llama-server to load, schedule and
generate (gibberish), so that its metrics and slots move under load. Usage: GGUF_PY=DIR python3 tiny_gguf.py OUT

TINY_DIMS=n_embd,n_ff,n_layer,n_head,n_ctx overrides the default 64,128,2,4,512 (e.g. 512,1536,8,8,2048 for a
slower model that saturates)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.environ["GGUF_PY"])  # python3-gguf, unpacked by setup-llama-server.sh
import gguf  # noqa: E402

out = sys.argv[1]
n_embd, n_ff, n_layer, n_head, n_ctx = (int(x) for x in os.environ.get("TINY_DIMS", "64,128,2,4,512").split(","))
rng = np.random.default_rng(42)

# SentencePiece-style vocabulary: control tokens, 256 byte-fallback tokens, a few words.
tokens, scores, types = ["<unk>", "<s>", "</s>"], [0.0, 0.0, 0.0], [2, 3, 3]
for b in range(256):
    tokens.append(f"<0x{b:02X}>")
    scores.append(0.0)
    types.append(6)
for i, word in enumerate(["\u2581the", "\u2581a", "\u2581hello", "\u2581world", "\u2581is", "\u2581of", "\u2581and",
                          "e", "t", "o", "\u2581"]):
    tokens.append(word)
    scores.append(-float(i))
    types.append(1)

w = gguf.GGUFWriter(out, "llama")
w.add_name("headroom-tiny-random-llama")
w.add_context_length(n_ctx)
w.add_embedding_length(n_embd)
w.add_block_count(n_layer)
w.add_feed_forward_length(n_ff)
w.add_head_count(n_head)
w.add_head_count_kv(n_head)
w.add_rope_dimension_count(n_embd // n_head)
w.add_layer_norm_rms_eps(1e-5)
w.add_file_type(gguf.LlamaFileType.ALL_F32)
w.add_tokenizer_model("llama")
w.add_token_list(tokens)
w.add_token_scores(scores)
w.add_token_types(types)
w.add_bos_token_id(1)
w.add_eos_token_id(2)
w.add_unk_token_id(0)
w.add_chat_template("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
                    "{% if add_generation_prompt %}<|assistant|>{% endif %}")


def weights(*shape):
    return (rng.standard_normal(shape) * 0.02).astype(np.float32)


w.add_tensor("token_embd.weight", weights(len(tokens), n_embd))
w.add_tensor("output_norm.weight", np.ones(n_embd, np.float32))
w.add_tensor("output.weight", weights(len(tokens), n_embd))
for i in range(n_layer):
    p = f"blk.{i}."
    w.add_tensor(p + "attn_norm.weight", np.ones(n_embd, np.float32))
    for t in ("attn_q", "attn_k", "attn_v", "attn_output"):
        w.add_tensor(p + t + ".weight", weights(n_embd, n_embd))
    w.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, np.float32))
    w.add_tensor(p + "ffn_gate.weight", weights(n_ff, n_embd))
    w.add_tensor(p + "ffn_up.weight", weights(n_ff, n_embd))
    w.add_tensor(p + "ffn_down.weight", weights(n_embd, n_ff))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print(out, len(tokens), "tokens")
