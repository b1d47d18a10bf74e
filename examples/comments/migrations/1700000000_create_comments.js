/** The comments of the example: text, author (a user); anyone reads, signed-in users write through the route. */
export function up(m) {
  m.importCollections([{
    name: 'comments',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: null,
    updateRule: 'author = @request.auth.id',
    deleteRule: 'author = @request.auth.id',
    fields: [
      { name: 'text', type: 'text', required: true, max: 2000 },
      { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1, required: true },
      { name: 'created', type: 'autodate', onCreate: true },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
  }]);
}

export function down(m) {
  m.deleteCollection('comments');
}
