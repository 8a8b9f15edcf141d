"""The chapters' demonstrations, one module per concept; import each from its module.

Nothing here is imported by ``import attn_course``. The modules, in the order the book uses them:

- :mod:`.rnn_limits`: why recurrent networks struggle (vanishing gradients, sequential steps);
- :mod:`.scene`: attention as a spotlight over a visual scene;
- :mod:`.kernel_regression`: attention as a soft lookup and as Nadaraya-Watson regression;
- :mod:`.walkthrough`: the three steps on a worked example, and a shape trace;
- :mod:`.scaling`: why scores are divided by √d_k; temperature and saturation;
- :mod:`.scoring_compare`, :mod:`.scoring_cost`: dot, general and additive scores on one worked example, and what
  each costs (counted by :mod:`.op_count`, shown with :mod:`.tables`);
- :mod:`.naive`: the source article's code, with its bugs, kept to be corrected;
- :mod:`.bottleneck`: the fixed-vector bottleneck of an encoder-decoder without attention, measured by input length;
- :mod:`.layer_types`, :mod:`.complexity`: Table 1 of Vaswani et al. (2017), measured;
- :mod:`.online_softmax_steps`, :mod:`.recall_task`, :mod:`.measure`: the efficiency chapter's demos and yardsticks;
- :mod:`.bench`: the committed ``make bench`` run whose ratios the efficiency chapter quotes;
- :mod:`.model_explorers`: retraining explorers and attention-map browsers over trained models;
- :mod:`.bits_per_char`, :mod:`.text_sampling`, :mod:`.kv_cache_cost`, :mod:`.induction`: the generation chapter's
  baselines, samples and sampling explorer, KV-cache cost, and induction-head data and metrics;
- :mod:`.tables`: results as HTML tables (with a plain-text twin for nbval).
"""
