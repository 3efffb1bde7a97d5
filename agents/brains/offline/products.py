"""Matrix products whose rows do not depend on the other rows of the batch."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


def row_products(rows: Matrix, matrix: Matrix) -> Matrix:
    """`rows @ matrix`, one row at a time: a batched product's summation order depends on the
    batch's shape, so a sentence read with 5,000 others would score a hair differently from the
    same sentence read alone."""
    if rows.shape[0] == 0:
        return np.zeros((0, matrix.shape[1]), np.float32)
    return np.stack([row @ matrix for row in rows]).astype(np.float32, copy=False)
