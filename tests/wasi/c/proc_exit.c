#include "check.h"
int main(void) {
  printf("before exit\n");
  exit(42);
}
