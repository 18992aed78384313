"""The gallery entries of the mlp lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry

DIVERGING_RATE, WORKING_RATE = "50", "0.3"

ENTRIES = (
    Entry(
        "mlp-healthy",
        "mlp",
        "Healthy: falls fast, then flattens",
        "healthy",
        {"epochs": "40"},
        "The learning rate suits the problem and the network is big enough: the loss drops steeply in the first "
        "epochs, then flattens as the boundary settles, and validation follows training closely.",
        {"hidden_units": ""},
        "Nothing to fix, but a flat tail alone is not enough: without hidden layers the model "
        "can only draw a straight line, and its loss flattens at a much higher level. Compare levels, not only "
        "shapes.",
        None,
        contrast=True,
    ),
    Entry(
        "mlp-still-learning",
        "mlp",
        "Still learning: stopped too early",
        "still_learning",
        {"dataset": "spirals", "epochs": "30"},
        "Two interleaved spirals need a curvy boundary that takes many epochs to carve: after 30 the loss is "
        "still going down at a steady pace. The run ended before the model finished learning.",
        {"epochs": "200"},
        "More epochs: the loss keeps falling until the spirals are separated, then flattens.",
        None,
    ),
    Entry(
        "mlp-overfitting",
        "mlp",
        "Overfitting: validation turns up",
        "overfitting",
        {"n_samples": "200", "noise": "0.4", "hidden_units": "256,256,256", "epochs": "300", "batch_size": "16"},
        "A big network ({params} weights) on 150 very noisy training points memorises the noise: training loss "
        "keeps falling towards 0 while the validation loss reaches a minimum early and then climbs.",
        {"epochs": "20"},
        "Stop near the validation minimum (about epoch 20), as Keras' EarlyStopping callback "
        "would. More data or a smaller network also help; an L2 penalty of 0.003 alone was not enough here.",
        None,
    ),
    Entry(
        "mlp-lr-too-high",
        "mlp",
        "Learning rate too high: a jumpy curve",
        "lr_too_high",
        {"optimizer": "sgd", "learning_rate": "3", "epochs": "40"},
        "Each step overshoots the valley, so the loss bounces: it jumps up again and again instead of settling.",
        {"learning_rate": "0.3"},
        "A 10x smaller step lands in the valley instead of across it.",
        None,
    ),
    Entry(
        "mlp-diverged",
        "mlp",
        "Diverged: the loss blows up",
        "diverged",
        {"optimizer": "sgd", "learning_rate": DIVERGING_RATE, "epochs": "20"},
        "With a huge learning rate the first updates throw the weights so far that the loss explodes; after that "
        "nothing can be learned (the run stops itself).",
        {"learning_rate": WORKING_RATE},
        f"A learning rate about {float(DIVERGING_RATE) / float(WORKING_RATE):.0f}x smaller ({WORKING_RATE}) trains "
        "normally.",
        None,
    ),
    Entry(
        "mlp-lr-too-low",
        "mlp",
        "Learning rate too low: barely moves",
        "lr_too_low",
        {"optimizer": "sgd", "learning_rate": "0.0001", "epochs": "30"},
        "Steps of 0.0001 with plain SGD are so small that after 30 epochs the loss has hardly changed: the curve "
        "is almost flat from the start.",
        {"learning_rate": "0.1"},
        "A 1,000x larger learning rate lets SGD actually move.",
        None,
    ),
    Entry(
        "mlp-val-below-train",
        "mlp",
        "Validation below training: dropout at work",
        "val_below_train",
        {"dataset": "sine", "dropout": "0.3", "epochs": "60"},
        "Dropout switches off 30% of the units in every training step, which handicaps the training loss; "
        "validation runs the full network, so its loss sits below the training loss. This is expected, not a bug.",
        {"dropout": "0"},
        "Without dropout the two curves lie close together.",
        None,
    ),
)
