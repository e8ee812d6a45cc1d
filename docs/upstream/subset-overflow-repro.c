/* A Dataset subset denser than its parent corrupts the heap when a booster is created on it (LightGBM 4.7.0).
 *
 * 12,000 rows; 60 integer features that are non-zero (1..49) only on 3,000 chosen rows, with probability 0.5 there,
 * and 0 elsewhere; 5 dense uniform features. LGBM_DatasetGetSubset(the 3,000 rows), then LGBM_BoosterCreate with
 * force_col_wise=true. The subset's multi-value sparse bin holds ~90,000 entries, but its row-pointer type is chosen
 * from the parent's sparse rates (~12.5 % non-zero): 60 x 0.125 x 1.1 x 3,000 = 24,750 <= 65,535, so uint16_t; the
 * pointers wrap while rows are pushed and FinishLoad/MergeData writes past the buffers.
 *
 * Build and run (Linux x64, the lib_lightgbm.so of the LightGBM 4.7.0 NuGet package, c_api.h from the v4.7.0 tag):
 *   gcc -O1 -g -I LightGBM/include subset-overflow-repro.c -L DIR_OF_LIB -l_lightgbm -Wl,-rpath,DIR_OF_LIB -o repro
 *   MALLOC_CHECK_=3 ./repro
 * Expected: "booster created on the subset" and exit 0. Seen: glibc aborts ("malloc(): unsorted double linked list
 * corrupted" or similar, exit 134), or a segmentation fault, or LightGBM's "Check failed: (best_split_info.left_count)
 * > (0)" on the first iteration, depending on the heap's layout. The same rows as a Dataset of their own train.
 */
#include <stdio.h>
#include <stdlib.h>
#include <LightGBM/c_api.h>

#define CHECK(call) do { if ((call) != 0) { fprintf(stderr, "%s: %s\n", #call, LGBM_GetLastError()); return 1; } } while (0)

static unsigned long long state = 1;
static double uniform(void) { /* splitmix64 */
  unsigned long long z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL; z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

int main(void) {
  enum { ROWS = 12000, CHOSEN = 3000, SPARSE = 60, DENSE = 5, COLS = SPARSE + DENSE };
  float *x = calloc((size_t)ROWS * COLS, sizeof(float));
  float *label = malloc(ROWS * sizeof(float));
  int32_t *chosen = malloc(CHOSEN * sizeof(int32_t));
  float *chosen_label = malloc(CHOSEN * sizeof(float));
  for (int i = 0; i < CHOSEN; i++) chosen[i] = i * (ROWS / CHOSEN); /* every 4th row, sorted */
  for (int r = 0; r < ROWS; r++) {
    int is_chosen = r % (ROWS / CHOSEN) == 0;
    for (int c = 0; c < SPARSE; c++)
      x[(size_t)r * COLS + c] = is_chosen && uniform() < 0.5 ? (float)(1 + (int)(uniform() * 49)) : 0.0f;
    for (int c = SPARSE; c < COLS; c++) x[(size_t)r * COLS + c] = (float)uniform();
    label[r] = uniform() < 0.3 ? 1.0f : 0.0f;
  }
  for (int i = 0; i < CHOSEN; i++) chosen_label[i] = label[chosen[i]];

  const char *params = "objective=binary force_col_wise=true feature_pre_filter=false num_threads=2 verbosity=-1";
  DatasetHandle full, subset;
  BoosterHandle booster;
  CHECK(LGBM_DatasetCreateFromMat(x, C_API_DTYPE_FLOAT32, ROWS, COLS, 1, params, NULL, &full));
  CHECK(LGBM_DatasetSetField(full, "label", label, ROWS, C_API_DTYPE_FLOAT32));
  CHECK(LGBM_DatasetGetSubset(full, chosen, CHOSEN, params, &subset));
  CHECK(LGBM_DatasetSetField(subset, "label", chosen_label, CHOSEN, C_API_DTYPE_FLOAT32));
  CHECK(LGBM_BoosterCreate(subset, params, &booster));
  printf("booster created on the subset\n");
  int finished;
  for (int i = 0; i < 3; i++) CHECK(LGBM_BoosterUpdateOneIter(booster, &finished));
  printf("trained 3 iterations\n");
  LGBM_BoosterFree(booster);
  LGBM_DatasetFree(subset);
  LGBM_DatasetFree(full);
  return 0;
}
