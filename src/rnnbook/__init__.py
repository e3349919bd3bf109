"""The book's PyTorch code: text data, recurrent networks, training, plots.

`from rnnbook import *` gives a page everything its embedded snippets use,
including `torch`, `nn`, `F`, `math`, `dataclass` and `field`.
"""
import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .attention import (
                     AdditiveAttention,
                     AttentionDecoder,
                     AttentionEncoderDecoder,
                     masked_softmax,
                     plot_attention,
                     translate_with_attention,
)
from .batching import SeqDataLoader, choose_offset, load_data_lm, seq_data_iter_random, seq_data_iter_sequential
from .beam import (
                     beam_search,
                     encode_sentence,
                     exhaustive_search,
                     sequence_score,
                     table_step,
                     translate_beam,
                     translation_step,
)
from .bidirectional import BiRNN
from .classify import (
                     RNNClassifier,
                     accuracy,
                     classifier_batch,
                     classifier_losses,
                     load_data_classification,
                     train_classifier,
)
from .corpus import corpus_pages, download, load_corpus, load_text, parallel_pairs, read_corpus_file, split_sentences
from .deep import StackedRNN, make_cell
from .forecast import GRUForecaster, recurrent_k_step_predictions, train_forecaster, window_losses
from .gru import GRUScratch
from .lstm import LSTMScratch
from .plot import (
                     BookFigure,
                     in_each_language,
                     is_series,
                     new_figure,
                     plot,
                     plot_history,
                     plot_zipf,
                     save_svg,
                     say,
                     svg_text,
                     to_floats,
)
from .regularize import LSTMLM, count_parameters, format_table, measure_lm
from .rnn_scratch import RNNLM, RNNScratch, check_state
from .seq2seq import (
                     EncoderDecoder,
                     Seq2SeqDecoder,
                     Seq2SeqEncoder,
                     bleu,
                     load_data_nmt,
                     pad_or_trim,
                     seq2seq_losses,
                     train_seq2seq,
                     translate,
)
from .sequence import (
                     MLPRegressor,
                     autoregressive_dataset,
                     future_values,
                     k_step_predictions,
                     regression_losses,
                     river_levels,
                     train_regressor,
)
from .spelling import real_syllable_share
from .text import VIETNAMESE_WORDS, Vocab, ngram_freqs, normalize, tokenize
from .train import (
                     Epoch,
                     History,
                     TrainConfig,
                     detach_state,
                     evaluate_perplexity,
                     fit,
                     generate,
                     grad_clipping,
                     lm_losses,
                     make_optimizer,
                     train_epoch,
                     train_lm,
                     unigram_perplexity,
)
from .utils import default_device, set_seed

__all__ = [
    "torch", "nn", "F", "math", "dataclass", "field",
    "set_seed", "default_device",
    "normalize", "tokenize", "Vocab", "ngram_freqs", "VIETNAMESE_WORDS",
    "load_text", "load_corpus", "parallel_pairs", "download", "corpus_pages",
    "read_corpus_file", "split_sentences",
    "seq_data_iter_random", "seq_data_iter_sequential", "SeqDataLoader", "load_data_lm",
    "choose_offset",
    "RNNScratch", "GRUScratch", "LSTMScratch", "StackedRNN", "BiRNN", "RNNLM",
    "check_state", "make_cell", "real_syllable_share",
    "TrainConfig", "History", "grad_clipping", "detach_state", "make_optimizer",
    "train_epoch", "Epoch", "fit", "lm_losses", "train_lm",
    "evaluate_perplexity", "unigram_perplexity", "generate",
    "river_levels", "autoregressive_dataset", "MLPRegressor", "regression_losses",
    "train_regressor",
    "k_step_predictions", "future_values",
    "GRUForecaster", "window_losses", "train_forecaster", "recurrent_k_step_predictions",
    "Seq2SeqEncoder", "Seq2SeqDecoder", "EncoderDecoder", "load_data_nmt", "pad_or_trim",
    "seq2seq_losses", "train_seq2seq", "translate", "bleu",
    "sequence_score", "beam_search", "exhaustive_search", "encode_sentence", "translation_step",
    "translate_beam", "table_step",
    "masked_softmax", "AdditiveAttention", "AttentionDecoder", "AttentionEncoderDecoder",
    "translate_with_attention", "plot_attention",
    "load_data_classification", "RNNClassifier", "classifier_losses", "train_classifier",
    "accuracy", "classifier_batch",
    "LSTMLM", "count_parameters", "measure_lm", "format_table",
    "plot", "plot_history", "plot_zipf", "save_svg", "svg_text", "new_figure", "is_series",
    "BookFigure", "in_each_language", "say",
    "to_floats",
]
